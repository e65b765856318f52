import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBundle } from '../../src/cascade/bundle/load.js';
import { SearchEngine } from '../../src/search/engine.js';
import { createApp } from '../../src/server/app.js';
import { SearchIndex } from '../../src/store/search-index.js';
import { acquireWriteLock } from '../../src/store/write-lock.js';
import { sampleServer, TOKEN } from '../helpers/sample-server.js';
import { killed, runCliAsync, startChild, untilPrinted } from './child-process.js';

/**
 * Writers in several processes (issue 16, item 5): a server and `cxr add` / `cxr remove` run as real child
 * processes on one index. One writes at a time (the write lock; INDEX_BUSY naming the holder when it waits too
 * long), a lock of a killed process is no lock, and the server reads what the CLI wrote before it answers.
 */
describe('one writer at a time across processes; readers follow other processes’ writes', () => {
  let app: Express;
  let engine: SearchEngine;
  let indexDir: string;
  let images: string[];

  beforeAll(async () => {
    const sample = await sampleServer();
    ({ app, engine, indexDir } = sample);
    images = readdirSync(sample.images)
      .sort()
      .map((name) => join(sample.images, name));
  }, 180_000);
  afterAll(() => engine.close());

  const cli = (...args: string[]) => runCliAsync([...args, '--index', indexDir, '--json']);
  const addOverHttp = (id: string, file: string) =>
    request(app)
      .post('/api/images')
      .set('Authorization', `Bearer ${TOKEN}`)
      .field('id', id)
      .attach('image', readFileSync(file), 'x.png');
  /**
   * The ids at distance 0 from the entry's own stored final embedding, as an image query over HTTP: the entry is
   * among them only if the server's HNSW holds it (a sample image added again ties with its catalog copy).
   */
  const nearestTo = async (imageId: string): Promise<string[]> => {
    const label = engine.index.store.labelOf(imageId) as number;
    const vector = Array.from(engine.index.store.embedding(label, 'final') as Float32Array);
    const response = await request(app).post('/api/search').send({ vector, k: 5 }).expect(200);
    const hits = response.body.hits as Array<{ imageId: string; why: { distance: number } }>;
    return hits.filter((h) => h.why.distance < 1e-5).map((h) => h.imageId);
  };

  it('a live holder refuses with INDEX_BUSY naming its pid; a holder killed with -9 leaves no lock', async () => {
    const holder = startChild('test/fault/lock-holder.ts', [indexDir]);
    await untilPrinted(holder, 'held');
    let refused: unknown;
    try {
      acquireWriteLock(indexDir).release();
    } catch (error) {
      refused = error;
    }
    expect(refused).toMatchObject({ code: 'INDEX_BUSY', details: { pid: holder.pid } });
    expect((refused as Error).message).toContain(`process ${holder.pid}`);

    // Over HTTP, a write that waited its time answers 409 INDEX_BUSY, with Retry-After.
    const impatient = SearchEngine.open(indexDir, { loadAnnotator: (bundle) => loadBundle(bundle), writeWaitMs: 300 });
    const busyApp = createApp({ engine: impatient, token: TOKEN, log: () => undefined });
    const busy = await request(busyApp)
      .delete(`/api/images/${engine.index.store.entries([1])[0]?.imageId}`)
      .set('Authorization', `Bearer ${TOKEN}`);
    expect([busy.status, busy.body.error.code, busy.body.error.details.pid]).toEqual([409, 'INDEX_BUSY', holder.pid]);
    expect(busy.headers['retry-after']).toBe('1');
    await impatient.close();

    await killed(holder);
    acquireWriteLock(indexDir).release(); // the dead holder's lock went with it
  }, 60_000);

  it('the server finds an image `cxr add` added by id, text and image, and its own next write keeps it', async () => {
    const before = engine.index.store.count();
    const [file] = images;
    const added = await cli('add', file as string, '--dataset', 'cli', '--backend', 'wasm');
    expect(added.status, added.stderr).toBe(0);
    const id = (JSON.parse(added.stdout) as { added: string[] }).added[0] as string;

    const byId = await request(app)
      .get(`/api/images/${encodeURIComponent(id)}`)
      .expect(200);
    expect(byId.body.imageId).toBe(id);
    const disease = byId.body.generated.disease as string;
    const text = await request(app)
      .get('/api/search')
      .query({ q: `${disease} dataset:cli`, k: 50 })
      .expect(200);
    expect(text.body.hits.map((h: { imageId: string }) => h.imageId)).toContain(id);
    expect(await nearestTo(id)).toContain(id);

    // The server writes next: it must write on the CLI's version, not save its stale HNSW over it.
    expect((await addOverHttp('server-one', images[1] as string)).status).toBe(201);
    const reopened = SearchIndex.open(indexDir);
    expect(reopened.store.count()).toBe(before + 2);
    expect(reopened.vectors('final').size).toBe(reopened.store.count());
    expect(reopened.vectors('first').size).toBe(reopened.store.count());
    reopened.close();
    expect(await nearestTo(id)).toContain(id);
    expect(await nearestTo('uploads:server-one')).toContain('uploads:server-one');
  }, 120_000);

  it('the server reads a `cxr remove` of another process: gone by id, text and image', async () => {
    const removed = await cli(
      'remove',
      'cli:' +
        images[0]
          ?.split('/')
          .at(-1)
          ?.replace(/\.\w+$/, ''),
    );
    expect(removed.status, removed.stderr).toBe(0);
    const id = (JSON.parse(removed.stdout) as { removed: string[] }).removed[0] as string;
    await request(app)
      .get(`/api/images/${encodeURIComponent(id)}`)
      .expect(404);
    const text = await request(app).get('/api/search').query({ q: 'dataset:cli', k: 50 }).expect(200);
    expect(text.body.hits).toEqual([]);
    expect(engine.index.vectors('final').size).toBe(engine.index.store.count());
  }, 60_000);

  it('two `cxr add` processes and server writes at once: every write lands, HNSW and SQLite agree', async () => {
    const before = engine.index.store.count();
    const [a, b, c, d, e] = images.slice(2, 7) as string[];
    const results = await Promise.all([
      cli('add', a as string, b as string, '--dataset', 'one', '--backend', 'wasm'),
      cli('add', c as string, '--dataset', 'two', '--backend', 'wasm'),
      addOverHttp('s-1', d as string),
      addOverHttp('s-2', e as string),
    ]);
    expect(results.slice(0, 2).map((r) => [r.status, (r as { stderr: string }).stderr])).toEqual([
      [0, ''],
      [0, ''],
    ]);
    expect(results.slice(2).map((r) => (r as { status: number }).status)).toEqual([201, 201]);
    expect(engine.index.store.count()).toBe(before + 5);
    const reopened = SearchIndex.open(indexDir);
    expect(reopened.vectors('final').size).toBe(before + 5);
    reopened.close();
    const fromCli = results
      .slice(0, 2)
      .flatMap((r) => (JSON.parse((r as { stdout: string }).stdout) as { added: string[] }).added);
    expect(fromCli).toHaveLength(3);
    for (const id of [...fromCli, 'uploads:s-1', 'uploads:s-2']) expect(await nearestTo(id)).toContain(id);
  }, 180_000);
});
