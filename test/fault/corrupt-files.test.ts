import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { acquireBuildLock, startBuilding } from '../../src/store/index-builds.js';
import { SearchIndex } from '../../src/store/search-index.js';
import { runCli } from '../helpers/cli.js';
import { tempDir, writeText } from '../helpers/fixtures.js';
import { sampleServer, TOKEN } from '../helpers/sample-server.js';
import { syntheticEntries, writeSyntheticGeneration } from '../helpers/synthetic-index.js';
import { pngBomb } from './bomb-files.js';
import { garbageInTheMiddle, queryInChild } from './damage.js';

/**
 * Every other file of an index folder damaged in turn (index.sqlite, the final HNSW and its record have their own
 * tests): each gives a stable error or is worked around, never a crash or a raw error.
 */
describe('corrupt index files', () => {
  it('first.<v>.hnsw with garbage in it is rebuilt, as final.<v>.hnsw is', () => {
    const dir = writeSyntheticGeneration(join(tempDir(), 'g-1'), syntheticEntries(500, 48, 13));
    const index = SearchIndex.open(dir);
    const expected = index
      .vectors('first')
      .search(index.store.embedding(1, 'first') as Float32Array, 10)
      .map((h) => h.label);
    index.close();
    garbageInTheMiddle(join(dir, 'first.0.hnsw'), 20_000);
    expect(queryInChild(dir, 'first')).toEqual({ labels: expected, warning: 'rebuilt' });
  });

  it('CURRENT with garbage in it: the newest complete generation is served, with a warning', () => {
    const dir = tempDir();
    writeSyntheticGeneration(join(dir, 'g-2024-01-01T00-00-00-000Z'), syntheticEntries(100, 16, 2));
    writeFileSync(join(dir, 'CURRENT'), Buffer.from([0, 0xff, 0x2f, 0x2e, 0x2e, 10]));
    const result = runCli(['search', '--index', dir, 'pleural effusion', '--json']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/names no generation; serving the newest complete one, g-2024-01-01/);
  });

  it('build.lock and building/IDENTITY with garbage in them: a build takes over and starts afresh', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'build.lock'), Buffer.from([0xde, 0xad, 0xbe, 0xef]));
    const release = acquireBuildLock(dir);
    expect(readFileSync(join(dir, 'build.lock'), 'utf8')).toBe(String(process.pid));
    writeText(join(dir, 'building', 'IDENTITY'), '\u0000garbage');
    writeText(join(dir, 'building', 'index.sqlite'), 'half a build');
    expect(startBuilding(dir, '{"bundle":"b"}')).toEqual({ folder: join(dir, 'building'), resumed: false });
    expect(readdirSync(join(dir, 'building'))).toEqual(['IDENTITY']);
    release();
  });

  it('a damaged bundle answers BUNDLE_CORRUPT to uploads; text search goes on', async () => {
    for (const damage of ['bundle.json', 'rnn.bin'] as const) {
      const { app, engine } = await sampleServer();
      try {
        const file = join(engine.index.bundleDir, damage);
        if (damage === 'bundle.json') writeFileSync(file, '{"format": "cxr-bundle", "vers');
        else garbageInTheMiddle(file, 64);
        const upload = await request(app).post('/api/search/image').attach('image', pngBomb(64, 64), 'q.png');
        expect({ damage, status: upload.status, code: upload.body.error?.code }).toEqual({
          damage,
          status: 422,
          code: 'BUNDLE_CORRUPT',
        });
        await request(app).get('/api/search').query({ q: 'effusion' }).expect(200);
      } finally {
        await engine.close();
      }
    }
  }, 300_000);

  it('an uploaded image damaged on disk: its record still answers, its thumbnail is IMAGE_CORRUPT', async () => {
    const { app, engine, indexDir } = await sampleServer();
    try {
      await request(app)
        .post('/api/images')
        .set('Authorization', `Bearer ${TOKEN}`)
        .field('id', 'damaged')
        .attach('image', pngBomb(120, 100), 'x.png')
        .expect(201);
      const file = engine.fileOf('uploads:damaged');
      expect(file.startsWith(join(indexDir, 'uploads'))).toBe(true);
      garbageInTheMiddle(file, 40);
      await request(app).get('/api/images/uploads:damaged').expect(200);
      const thumbnail = await request(app).get('/api/images/uploads:damaged/thumbnail');
      expect([thumbnail.status, thumbnail.body.error?.code]).toEqual([422, 'IMAGE_CORRUPT']);
    } finally {
      await engine.close();
    }
  }, 300_000);
});
