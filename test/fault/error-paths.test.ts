import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { loadBundle } from '../../src/cascade/bundle/load.js';
import { cxrError } from '../../src/errors.js';
import { SearchEngine } from '../../src/search/engine.js';
import { createApp } from '../../src/server/app.js';
import { withoutPaths } from '../../src/server/http-errors.js';
import { IndexStore } from '../../src/store/index-store.js';
import { writeText } from '../helpers/fixtures.js';
import { sampleServer, TOKEN } from '../helpers/sample-server.js';
import { pngBomb } from './bomb-files.js';

/** No absolute server path (two segments or more from the root) anywhere in a response body. */
const ABSOLUTE = /(^|[\s'"(=])\/(tmp|work|home|root|srv|var|usr|opt|mnt)\//;

describe('paths in error bodies and uploaded files', () => {
  it('strips server paths from messages and details, keeps file names; a route path stays', () => {
    const error = cxrError('INDEX_CORRUPT', 'vector index file /srv/idx/g-1/final.3.hnsw is missing', {
      path: '/srv/idx/g-1/final.3.hnsw',
      files: ['/srv/idx/a.png', 'b.png'],
      count: 3,
    });
    expect(withoutPaths(error)).toEqual({
      code: 'INDEX_CORRUPT',
      message: 'vector index file final.3.hnsw is missing',
      details: { path: 'final.3.hnsw', files: ['a.png', 'b.png'], count: 3 },
    });
    const route = cxrError('ROUTE_NOT_FOUND', 'no route GET /api/nope/x', { path: '/api/nope/x' });
    expect(withoutPaths(route)).toEqual(route.toJSON());
    const url = cxrError('REQUEST_INVALID', 'see http://example.org/a/b for the format');
    expect(withoutPaths(url).message).toBe('see http://example.org/a/b for the format');
  });

  it('IMAGE_CORRUPT from POST /api/images, INDEX_CORRUPT and a missing bundle name no path; the log has it', async () => {
    const { app, engine, indexDir, log } = await sampleServer();
    try {
      const corrupt = await request(app)
        .post('/api/images')
        .set('Authorization', `Bearer ${TOKEN}`)
        .field('id', 'broken')
        .attach('image', Buffer.from('\x89PNG\r\n\x1a\n-- not really --', 'latin1'), 'broken.png');
      expect([corrupt.status, corrupt.body.error.code]).toEqual([422, 'IMAGE_CORRUPT']);
      expect(JSON.stringify(corrupt.body)).not.toMatch(ABSOLUTE);
      expect(JSON.stringify(corrupt.body)).not.toMatch(/uploads\//);
      expect(log.some((line) => line.includes(join(indexDir, 'uploads')))).toBe(true);
      // CURRENT switched to a generation that does not record its embedding size: INDEX_CORRUPT, no path.
      const current = readFileSync(join(indexDir, 'CURRENT'), 'utf8');
      mkdirSync(join(indexDir, 'g-9999-unsized'));
      IndexStore.open(join(indexDir, 'g-9999-unsized', 'index.sqlite')).close();
      writeFileSync(join(indexDir, 'CURRENT'), 'g-9999-unsized');
      const unsized = await request(app).get('/api/search').query({ q: 'effusion' });
      expect([unsized.status, unsized.body.error.code]).toEqual([500, 'INDEX_CORRUPT']);
      expect(JSON.stringify(unsized.body)).not.toMatch(ABSOLUTE);
      expect(log.some((line) => line.includes(join(indexDir, 'g-9999-unsized')))).toBe(true);
      writeFileSync(join(indexDir, 'CURRENT'), current);
    } finally {
      await engine.close();
    }
    // A bundle that went missing under a fresh server (the annotator loads at the first upload).
    const other = await sampleServer();
    try {
      const generation = other.engine.index.generation;
      renameSync(join(generation, 'bundle'), join(generation, 'bundle-moved'));
      const missing = await request(other.app).post('/api/search/image').attach('image', pngBomb(64, 64), 'q.png');
      expect([missing.status, missing.body.error.code]).toEqual([404, 'BUNDLE_NOT_FOUND']);
      expect(JSON.stringify(missing.body)).not.toMatch(ABSOLUTE);
    } finally {
      await other.engine.close();
    }
  }, 300_000);

  it('an upload is recorded by an absolute path under the index folder: a server started elsewhere finds it', async () => {
    const { engine: first, indexDir } = await sampleServer();
    await first.close();
    // Opened by a relative path, as `cxr serve --index ./index` from the folder above it.
    const engine = SearchEngine.open(relative(process.cwd(), indexDir), {
      loadAnnotator: (bundle) => loadBundle(bundle),
      decodeThreads: 1,
    });
    const app = createApp({ engine, token: TOKEN, log: () => undefined });
    const added = await request(app)
      .post('/api/images')
      .set('Authorization', `Bearer ${TOKEN}`)
      .field('id', 'elsewhere')
      .attach('image', pngBomb(80, 80), 'x.png');
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    const file = engine.fileOf('uploads:elsewhere');
    expect(isAbsolute(file)).toBe(true);
    expect(file).toMatch(new RegExp(`^${join(indexDir, 'uploads')}/uploads__elsewhere\\.\\w{8}\\.png$`));
    await engine.close();
    // A server started from another working directory renders it.
    const cwd = process.cwd();
    process.chdir('/');
    try {
      const elsewhere = SearchEngine.open(indexDir);
      const thumbnail = await request(createApp({ engine: elsewhere, log: () => undefined })).get(
        '/api/images/uploads:elsewhere/thumbnail',
      );
      expect(thumbnail.status).toBe(200);
      await elsewhere.close();
    } finally {
      process.chdir(cwd);
    }
  }, 300_000);

  it('a server that may write deletes the temporary files crashed writers left, not those of live ones', async () => {
    const { engine: first, indexDir } = await sampleServer();
    const generation = first.index.generation;
    await first.close();
    const dead = spawnSync('true').pid as number; // a process that has exited
    const stale = [
      join(indexDir, `CURRENT.${dead}.tmp`),
      join(generation, `final.1.hnsw.${dead}.tmp`),
      join(indexDir, 'uploads', `a__b.1a2b3c4d.png.${dead}-0f3c.tmp`),
      join(indexDir, 'uploads', 'old__c.png.tmp'),
    ];
    const live = join(indexDir, 'uploads', `a__d.png.${process.pid}-77.tmp`);
    for (const file of [...stale, live]) writeText(file, 'partial');
    const engine = SearchEngine.open(indexDir);
    createApp({ engine, log: () => undefined }); // no token: a reader deletes nothing
    expect(stale.every((file) => existsSync(file))).toBe(true);
    createApp({ engine, token: TOKEN, log: () => undefined });
    expect(stale.filter((file) => existsSync(file))).toEqual([]);
    expect(existsSync(live)).toBe(true);
    await engine.close();
  }, 300_000);
});
