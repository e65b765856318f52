import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/cascade/backend.js';
import { loadBundle } from '../../src/cascade/bundle/load.js';
import { buildIndex } from '../../src/indexer/build-index.js';
import { listCatalogImages } from '../../src/indexer/catalog-images.js';
import { SearchEngine } from '../../src/search/engine.js';
import { createApp } from '../../src/server/app.js';
import { Catalog } from '../../src/store/catalog.js';
import { IndexStore } from '../../src/store/index-store.js';
import { relocateDataset } from '../../src/store/relocate.js';
import { currentGeneration } from '../../src/store/search-index.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';
import { sampleBundle } from '../helpers/sample-bundle.js';

const TOKEN = 'relocate-token';

/** What a collection answers over HTTP: text, image and by-id queries, and its images served. */
async function answers(folder: string, query: Buffer, ids: { image: string; upload: string }) {
  const engine = SearchEngine.open(join(folder, '.cxr', 'index'), {
    loadAnnotator: (bundle) => loadBundle(bundle),
    decodeThreads: 1,
  });
  try {
    const app = createApp({ engine, token: TOKEN, log: () => undefined });
    const ranked = (body: { hits: Array<{ imageId: string; score: number }> }) =>
      body.hits.map((h) => `${h.imageId} ${h.score}`);
    const text = await request(app).get('/api/search').query({ q: 'pleural effusion', k: 10 }).expect(200);
    const image = await request(app)
      .post('/api/search/image')
      .attach('image', query, 'q.png')
      .field('k', '10')
      .expect(200);
    const byId = await request(app)
      .get(`/api/images/${encodeURIComponent(ids.image)}`)
      .expect(200);
    const thumbnail = await request(app).get(`/api/images/${encodeURIComponent(ids.image)}/thumbnail`);
    const upload = await request(app).get(`/api/images/${encodeURIComponent(ids.upload)}/full`);
    return {
      text: ranked(text.body),
      image: ranked(image.body),
      byId: { ...byId.body, neighbours: ranked({ hits: byId.body.neighbours }) },
      thumbnail: { status: thumbnail.status, type: thumbnail.type, bytes: thumbnail.body as Buffer },
      upload: { status: upload.status, bytes: upload.body as Buffer },
    };
  } finally {
    await engine.close();
  }
}

describe('a collection copied elsewhere with its .cxr folder answers as the original did once relocated', () => {
  let original: string;
  let query: Buffer;
  let ids: { image: string; upload: string };
  let before: Awaited<ReturnType<typeof answers>>;
  let copies: { current: string; legacy: string };

  beforeAll(async () => {
    await selectBackend('wasm');
    const sample = await sampleBundle(120, 41);
    original = sample.root;
    const indexDir = join(original, '.cxr', 'index');
    const annotator = await loadBundle(sample.bundleDir);
    const catalog = Catalog.open(sample.catalogPath);
    await buildIndex(catalog, annotator, sample.bundleDir, indexDir);
    catalog.close();
    annotator.dispose();
    const files = readdirSync(sample.images).sort();
    query = readFileSync(join(sample.images, files[0] as string));
    // an upload: kept in the index folder's uploads/
    const engine = SearchEngine.open(indexDir, { loadAnnotator: (bundle) => loadBundle(bundle), decodeThreads: 1 });
    const app = createApp({ engine, token: TOKEN, log: () => undefined });
    await request(app)
      .post('/api/images')
      .set('Authorization', `Bearer ${TOKEN}`)
      .attach('image', readFileSync(join(sample.images, files[1] as string)), 'u.png')
      .field('id', 'u1')
      .expect(201);
    const first = engine.index.store.db.prepare('SELECT image_id FROM entries ORDER BY label LIMIT 1').get() as {
      image_id: string;
    };
    ids = { image: first.image_id, upload: 'uploads:u1' };
    await engine.close();
    before = await answers(original, query, ids);
    // Two copies: as this index is, and as an index built before paths were relative would be (absolute files).
    copies = { current: join(tempDir(), 'moved'), legacy: join(tempDir(), 'moved-legacy') };
    cpSync(original, copies.current, { recursive: true });
    cpSync(original, copies.legacy, { recursive: true });
    const legacy = IndexStore.open(join(currentGeneration(join(copies.legacy, '.cxr', 'index')), 'index.sqlite'));
    legacy.db.exec(`UPDATE entries SET file = CASE root WHEN '@index' THEN '${indexDir}/' || file
      ELSE (SELECT dir FROM roots WHERE name = entries.root) || '/' || file END, root = NULL; DELETE FROM roots;`);
    legacy.close();
    // the original is gone: nothing can be read from where it was
    renameSync(original, `${original}-gone`);
  }, 300_000);
  afterAll(() => {
    for (const folder of [...Object.values(copies ?? {}), `${original}-gone`])
      rmSync(folder, { recursive: true, force: true });
  });

  it('the original answered: hits, neighbours, its image and the upload served', () => {
    expect(before.text.length).toBeGreaterThan(0);
    expect(before.image.length).toBe(10);
    expect(before.byId.neighbours.length).toBeGreaterThan(0);
    expect(before.thumbnail).toMatchObject({ status: 200, type: 'image/png' });
    expect(before.upload.status).toBe(200);
  });

  it('before relocating, the copy cannot serve the collection’s images (IMAGE_MISSING), only its uploads', async () => {
    const copy = await answers(copies.current, query, ids);
    expect(copy.thumbnail.status).toBe(404);
    expect(copy.upload).toEqual(before.upload);
  });

  for (const kind of ['current', 'legacy'] as const) {
    it(`after \`relocate\`, the ${kind} copy answers text, image and by-id queries and serves images as before`, async () => {
      const folder = copies[kind];
      const checks = relocateDataset({
        dataset: 'sample',
        root: join(folder, 'sample', 'images'),
        catalog: join(folder, 'catalog.sqlite'),
        index: join(folder, '.cxr', 'index'),
        sample: 'all',
      });
      expect(checks.map((c) => [c.place.split(' ')[0], c.checked, c.found, c.outside, c.root])).toEqual([
        ['catalog', 120, 120, 0, join(folder, 'sample', 'images')],
        ['index', 120, 120, 0, join(folder, 'sample', 'images')],
      ]);
      expect(checks.map((c) => c.previousRoot)).toEqual([
        join(original, 'sample', 'images'),
        join(original, 'sample', 'images'),
      ]);
      expect(await answers(folder, query, ids)).toEqual(before);
      const catalog = Catalog.open(join(folder, 'catalog.sqlite'));
      expect(listCatalogImages(catalog).every((image) => image.file.startsWith(join(folder, 'sample', 'images')))).toBe(
        true,
      );
      catalog.close();
    }, 120_000);
  }

  it('an image replaced by a symlink leading outside is not served: 403 IMAGE_OUTSIDE_DATASET, no path in the body', async () => {
    const folder = copies.current;
    const store = IndexStore.open(join(currentGeneration(join(folder, '.cxr', 'index')), 'index.sqlite'));
    const file = store.imageFile(ids.image)?.file as string;
    store.close();
    expect(file.startsWith(join(folder, 'sample', 'images'))).toBe(true);
    const outside = join(tempDir(), 'outside.png');
    cpSync(file, outside);
    rmSync(file);
    symlinkSync(outside, file);
    const engine = SearchEngine.open(join(folder, '.cxr', 'index'), { loadAnnotator: (bundle) => loadBundle(bundle) });
    try {
      const app = createApp({ engine, log: () => undefined });
      const response = await request(app).get(`/api/images/${encodeURIComponent(ids.image)}/full`);
      expect(response.status).toBe(403);
      expect(response.body.error.code).toBe('IMAGE_OUTSIDE_DATASET');
      expect(JSON.stringify(response.body)).not.toContain(folder);
    } finally {
      await engine.close();
    }
  });

  it('refuses a folder without the images (IMAGE_MISSING, nothing recorded) and an unknown dataset', () => {
    const folder = copies.legacy;
    const empty = join(tempDir(), 'empty');
    mkdirSync(empty);
    const options = { catalog: join(folder, 'catalog.sqlite'), index: join(folder, '.cxr', 'index') };
    expect(() => relocateDataset({ ...options, dataset: 'sample', root: empty })).toThrow(
      expect.objectContaining({ code: 'IMAGE_MISSING' }),
    );
    const catalog = Catalog.open(options.catalog);
    expect(catalog.datasetRoot('sample')).toBe(join(folder, 'sample', 'images'));
    catalog.close();
    expect(() => relocateDataset({ ...options, dataset: 'nope', root: empty })).toThrow(
      expect.objectContaining({ code: 'DATASET_NOT_FOUND' }),
    );
    expect(() => relocateDataset({ ...options, dataset: 'sample', root: join(empty, 'absent') })).toThrow(
      expect.objectContaining({ code: 'DATASET_NOT_FOUND' }),
    );
  });

  it('`cxr relocate` says how many images it found, and --force records a folder where none is', () => {
    const folder = copies.legacy;
    const args = ['--catalog', join(folder, 'catalog.sqlite'), '--index', join(folder, '.cxr', 'index')];
    const moved = join(tempDir(), 'images-moved-again');
    cpSync(join(folder, 'sample', 'images'), moved, { recursive: true });
    rmSync(join(moved, readdirSync(moved).sort()[0] as string));
    const run = runCli(['relocate', '--dataset', 'sample', '--root', moved, '--sample', '20', ...args]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^catalog: (19|20) of 20 images checked are under ${moved} \\(was `));
    expect(lines[1]).toMatch(/^index g-[\w-]+\/index\.sqlite: (19|20) of 20 images checked are under /);
    const empty = join(tempDir(), 'nothing-here');
    mkdirSync(empty);
    const refused = runCli(['relocate', '--dataset', 'sample', '--root', empty, ...args]);
    expect(refused.status).toBe(3); // input
    expect(refused.stderr).toMatch(/^cxr: IMAGE_MISSING: none of the 120 images/);
    const forced = runCli(['relocate', '--dataset', 'sample', '--root', empty, '--force', '--json', ...args]);
    expect(forced.status).toBe(0);
    expect(JSON.parse(forced.stdout).checks.map((c: { found: number }) => c.found)).toEqual([0, 0]);
  }, 120_000);
});
