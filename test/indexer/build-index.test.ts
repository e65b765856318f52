import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Annotator } from '../../src/cascade/annotator.js';
import { selectBackend } from '../../src/cascade/backend.js';
import { loadBundle } from '../../src/cascade/bundle/load.js';
import { buildIndex } from '../../src/indexer/build-index.js';
import { SearchEngine } from '../../src/search/engine.js';
import { Catalog } from '../../src/store/catalog.js';
import { SearchIndex } from '../../src/store/search-index.js';
import { tempDir } from '../helpers/fixtures.js';
import { sampleBundle } from '../helpers/sample-bundle.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('buildIndex: a catalog annotated into a searchable index', () => {
  let sample: Awaited<ReturnType<typeof sampleBundle>>;
  let annotator: Annotator;
  let catalog: Catalog;
  const indexDir = join(tempDir(), 'index');

  beforeAll(async () => {
    await selectBackend('wasm');
    sample = await sampleBundle();
    annotator = await loadBundle(sample.bundleDir);
    catalog = Catalog.open(sample.catalogPath);
  });
  afterAll(() => {
    annotator.dispose();
    catalog.close();
  });

  it('indexes every image with its generated annotation, truth, report and both embeddings; leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const progress: number[] = [];
    const result = await buildIndex(
      catalog,
      annotator,
      sample.bundleDir,
      indexDir,
      { batchSize: 16 },
      {
        onProgress: (p) => p.stage === 'annotate' && progress.push(p.done),
      },
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(result).toMatchObject({ indexed: 160, resumed: 0, interrupted: false, skipped: [] });
    expect(progress.at(-1)).toBe(160);
    expect(readFileSync(join(indexDir, 'CURRENT'), 'utf8')).toMatch(/^g-/);
    const engine = SearchEngine.open(indexDir);
    expect(engine.index.store.count()).toBe(160);
    const effusion = await engine.search({ text: 'pleural effusion', k: 5 });
    expect(effusion.hits.length).toBeGreaterThan(0);
    for (const hit of effusion.hits) expect(hit.why.concepts[0]?.sources.length).toBeGreaterThan(0);
    const entry = engine.entry(effusion.hits[0]?.imageId as string);
    expect(entry.truth.annotations.join(' ').toLowerCase()).toContain('effusion');
    expect(entry.report).toBeTruthy();
    expect(annotator.manifest.baseClasses).toContain(entry.generated.disease);
    const like = await engine.search({ image: { id: entry.imageId }, k: 3, embedding: 'first' });
    expect(like.hits).toHaveLength(3);
    await engine.close();
  });

  it('survives a build killed mid-way: the previous index still answers, and the next build resumes', async () => {
    const previous = readFileSync(join(indexDir, 'CURRENT'), 'utf8');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'build',
        '--catalog',
        sample.catalogPath,
        '--bundle',
        sample.bundleDir,
        '--index',
        indexDir,
        '--batch',
        '2',
        '--backend',
        'wasm',
      ],
      { cwd: ROOT, stdio: 'ignore' },
    );
    const building = join(indexDir, 'building', 'index.sqlite');
    const annotated = () => {
      if (!existsSync(building)) return 0;
      try {
        const db = new Database(building, { readonly: true, fileMustExist: true });
        try {
          return (db.prepare('SELECT count(*) AS n FROM entries').get() as { n: number }).n;
        } finally {
          db.close();
        }
      } catch {
        return 0;
      }
    };
    const started = Date.now();
    while (annotated() < 10 && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 25));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const killedAt = annotated();
    expect(killedAt).toBeGreaterThanOrEqual(10);
    expect(killedAt).toBeLessThan(160);

    expect(readFileSync(join(indexDir, 'CURRENT'), 'utf8')).toBe(previous);
    const engine = SearchEngine.open(indexDir);
    expect(engine.index.store.count()).toBe(160);
    expect((await engine.search({ text: 'cardiomegaly', k: 3 })).hits.length).toBeGreaterThan(0);
    await engine.close();

    const resumed = await buildIndex(catalog, annotator, sample.bundleDir, indexDir, { batchSize: 16 });
    expect(resumed.resumed).toBe(killedAt);
    expect(resumed.indexed).toBe(160);
    expect(readFileSync(join(indexDir, 'CURRENT'), 'utf8')).not.toBe(previous);
    expect(readdirSync(indexDir).filter((f) => f.startsWith('g-'))).toHaveLength(1);
    expect(existsSync(join(indexDir, 'building'))).toBe(false);
  }, 120_000);

  it('refuses a second builder while one is live (INDEX_BUSY)', async () => {
    writeFileSync(join(indexDir, 'build.lock'), String(process.ppid));
    await expect(buildIndex(catalog, annotator, sample.bundleDir, indexDir)).rejects.toMatchObject({
      code: 'INDEX_BUSY',
    });
    writeFileSync(join(indexDir, 'build.lock'), '999999999'); // a dead builder's lock is taken over
    const result = await buildIndex(catalog, annotator, sample.bundleDir, indexDir, { batchSize: 32 });
    expect(result.indexed).toBe(160);
    expect(existsSync(join(indexDir, 'build.lock'))).toBe(false);
  });

  it('skips an image that no longer decodes, with its code, and indexes the rest', async () => {
    const [victim] = readdirSync(sample.images).sort();
    const path = join(sample.images, victim as string);
    writeFileSync(path, readFileSync(path).subarray(0, 60)); // a PNG cut short
    const dir = join(tempDir(), 'index');
    const result = await buildIndex(catalog, annotator, sample.bundleDir, dir, { batchSize: 32 });
    expect(result.indexed).toBe(159);
    expect(result.skipped).toEqual([expect.objectContaining({ code: 'IMAGE_CORRUPT' })]);
    const index = SearchIndex.open(dir);
    expect(index.store.count()).toBe(159);
    index.close();
  });
});
