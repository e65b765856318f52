import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchEngine } from '../../src/search/engine.js';
import { sampleServer, TOKEN } from '../helpers/sample-server.js';
import { pngBomb } from './bomb-files.js';

/** Replacing and removing uploaded images over HTTP: the live image survives a failed replace, files follow entries. */
describe('replacing and removing uploaded images', () => {
  let app: Express;
  let engine: SearchEngine;
  let uploads: string;

  beforeAll(async () => {
    const sample = await sampleServer();
    ({ app, engine } = sample);
    uploads = join(sample.indexDir, 'uploads');
  }, 120_000);
  afterAll(() => engine.close());

  const add = (id: string, image: Buffer) =>
    request(app)
      .post('/api/images')
      .set('Authorization', `Bearer ${TOKEN}`)
      .field('id', id)
      .attach('image', image, 'x.png');
  const filesOf = (id: string) => readdirSync(uploads).filter((name) => name.startsWith(`uploads__${id}.`));

  it('a replacement that fails leaves the live image; one that succeeds takes the old file away', async () => {
    expect((await add('live', pngBomb(90, 70))).status).toBe(201);
    const first = engine.fileOf('uploads:live');
    const failed = await add('live', Buffer.from('\x89PNG\r\n\x1a\nnot really', 'latin1'));
    expect([failed.status, failed.body.error.code]).toEqual([422, 'IMAGE_CORRUPT']);
    expect(engine.fileOf('uploads:live')).toBe(first);
    expect(existsSync(first)).toBe(true);
    await request(app).get('/api/images/uploads:live/thumbnail').expect(200);
    expect((await add('live', pngBomb(120, 100))).status).toBe(201);
    const second = engine.fileOf('uploads:live');
    expect(second).not.toBe(first);
    expect(existsSync(first)).toBe(false);
    expect(filesOf('live')).toHaveLength(1);
  });

  it('concurrent adds of one id all succeed, and leave one entry with one file', async () => {
    const responses = await Promise.all(Array.from({ length: 12 }, (_, i) => add('busy', pngBomb(60 + i, 50))));
    expect(responses.map((r) => r.status)).toEqual(Array(12).fill(201));
    expect(filesOf('busy')).toEqual([engine.fileOf('uploads:busy').split('/').at(-1)]);
    expect(readdirSync(uploads).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('removing an uploaded image deletes its file; removing an imported one leaves the collection alone', async () => {
    expect((await add('gone', pngBomb(64, 64))).status).toBe(201);
    const file = engine.fileOf('uploads:gone');
    await request(app).delete('/api/images/uploads:gone').set('Authorization', `Bearer ${TOKEN}`).expect(200);
    expect(existsSync(file)).toBe(false);
    const imported = engine.index.store.entries([1])[0];
    expect(imported).toBeDefined();
    const importedFile = imported?.file as string;
    await request(app).delete(`/api/images/${imported?.imageId}`).set('Authorization', `Bearer ${TOKEN}`).expect(200);
    expect(existsSync(importedFile)).toBe(true);
  });
});
