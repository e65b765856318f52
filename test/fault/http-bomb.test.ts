import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchEngine } from '../../src/search/engine.js';
import { sampleServer, TOKEN } from '../helpers/sample-server.js';
import { dicomElementBomb, pngBomb } from './bomb-files.js';

/** Decompression and parser bombs over HTTP, as `cxr serve` runs (uploads decode in a child process). */
describe('image bombs over HTTP', () => {
  let app: Express;
  let engine: SearchEngine;
  let indexDir: string;

  beforeAll(async () => {
    ({ app, engine, indexDir } = await sampleServer());
  }, 120_000);
  afterAll(() => engine.close());

  const upload = (path: string, bytes: Buffer, fields: Record<string, string> = {}) => {
    let call = request(app).post(path).set('Authorization', `Bearer ${TOKEN}`);
    for (const [name, value] of Object.entries(fields)) call = call.field(name, value);
    return call.attach('image', bytes, 'image.png');
  };

  it('refuses a PNG bomb with 413 IMAGE_TOO_LARGE on search, annotate and add, leaving no file', async () => {
    const bomb = pngBomb(8000, 8000); // ~62 KB declaring 64 megapixels
    for (const path of ['/api/search/image', '/api/annotate']) {
      const response = await request(app).post(path).attach('image', bomb, 'bomb.png');
      expect({ path, status: response.status, code: response.body.error?.code }).toEqual({
        path,
        status: 413,
        code: 'IMAGE_TOO_LARGE',
      });
    }
    const added = await upload('/api/images', bomb, { id: 'bomb' });
    expect([added.status, added.body.error?.code]).toEqual([413, 'IMAGE_TOO_LARGE']);
    expect(JSON.stringify(added.body)).not.toMatch(/\/uploads\/|\/tmp\//);
    const uploads = join(indexDir, 'uploads');
    expect(existsSync(uploads) ? readdirSync(uploads) : []).toEqual([]);
  });

  it('a parser bomb ends only its decode process (422 IMAGE_DECODE_LIMIT); the server answers meanwhile', async () => {
    const bomb = dicomElementBomb(2_000_000); // 16 MB of empty DICOM elements: ~400 MB of parser objects
    const order: string[] = [];
    const bombed = upload('/api/images', bomb, { id: 'parser-bomb' }).then((r) => {
      order.push('bomb');
      return r;
    });
    const health = request(app)
      .get('/api/health')
      .then((r) => {
        order.push('health');
        return r;
      });
    const [bombResponse, healthResponse] = await Promise.all([bombed, health]);
    expect(healthResponse.status).toBe(200);
    expect(order).toEqual(['health', 'bomb']);
    expect([bombResponse.status, bombResponse.body.error?.code]).toEqual([422, 'IMAGE_DECODE_LIMIT']);
    // The next upload is decoded by a new process.
    const fine = await upload('/api/search/image', pngBomb(300, 300));
    expect(fine.status).toBe(200);
  }, 60_000);

  it('past the decode queue, 503 DECODE_BUSY with Retry-After; the queued uploads are answered', async () => {
    const slow = pngBomb(5000, 6000); // 30 megapixels, under the budget: a few hundred ms each
    const responses = await Promise.all(
      Array.from({ length: 16 }, () => request(app).post('/api/search/image').attach('image', slow, 'slow.png')),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    const busy = responses.filter((r) => r.status === 503);
    expect(busy.length).toBeGreaterThan(0);
    for (const response of busy) {
      expect(response.body.error.code).toBe('DECODE_BUSY');
      expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(9); // one decoding, eight waiting
  }, 60_000);
});
