import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Annotator } from '../../src/cascade/annotator.js';
import { selectBackend } from '../../src/cascade/backend.js';
import { loadBundle } from '../../src/cascade/bundle/load.js';
import { buildIndex } from '../../src/indexer/build-index.js';
import { Catalog } from '../../src/store/catalog.js';
import type { IndexEntry } from '../../src/store/index-store.js';
import { SearchIndex } from '../../src/store/search-index.js';
import { tempDir, writeText } from '../helpers/fixtures.js';
import { sampleBundle } from '../helpers/sample-bundle.js';
import { syntheticEntries, writeSyntheticGeneration } from '../helpers/synthetic-index.js';
import { startChild } from './child-process.js';

/** Runs kill-child.ts; resolves with the signal that ended it (SIGKILL when it reached its point). */
function killedAt(args: string[]): Promise<NodeJS.Signals | null> {
  const child = startChild('test/fault/kill-child.ts', args);
  return new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
}

/** An index folder with one synthetic generation, its HNSW files saved. */
function syntheticIndex(): string {
  const dir = tempDir();
  const generation = writeSyntheticGeneration(join(dir, 'g-2024-01-01T00-00-00-000Z'), syntheticEntries(120, 24, 9));
  writeText(join(dir, 'CURRENT'), 'g-2024-01-01T00-00-00-000Z');
  const index = SearchIndex.open(generation);
  index.vectors('first');
  index.vectors('final');
  index.close();
  return dir;
}

/** SQLite and both HNSW indexes hold the same images; whether `id` is among them; files of one version only. */
function stateOf(dir: string, id: string) {
  const index = SearchIndex.open(dir);
  try {
    const count = index.store.count();
    const label = index.store.labelOf(id);
    const found =
      label !== undefined &&
      index
        .vectors('final')
        .search(index.store.embedding(label, 'final') as Float32Array, 3)
        .some((n) => n.label === label);
    return {
      count,
      agree: index.vectors('final').size === count && index.vectors('first').size === count,
      indexed: label !== undefined,
      found,
    };
  } finally {
    index.close();
  }
}

/** The next write works (the killed writer's lock went with it) and leaves the files of one version. */
function nextWriteWorks(dir: string): void {
  const index = SearchIndex.open(dir);
  const label = [...index.store.labels()][0] as number;
  const [stored] = index.store.entries([label]);
  const embedding = (kind: 'first' | 'final') => index.store.embedding(label, kind) as Float32Array;
  index.add([
    {
      ...(stored as unknown as IndexEntry),
      imageId: 'after:kill',
      origin: 'added',
      embeddings: { first: embedding('first'), final: embedding('final') },
    },
  ]);
  expect(readdirSync(index.generation).filter((f) => f.endsWith('.hnsw'))).toHaveLength(2);
  expect(index.vectors('final').size).toBe(index.store.count());
  index.close();
}

/** kill -9 at chosen points of add, remove and build (issue 16): the index opens whole, before or after the write. */
describe('kill -9 inside a write', () => {
  for (const [point, committed] of [
    ['store', false],
    ['save-1', false],
    ['save-2', false],
    ['commit', true],
  ] as const) {
    it(`an add killed at ${point} leaves the index ${committed ? 'with' : 'without'} the image, SQLite and HNSW agreeing`, async () => {
      const dir = syntheticIndex();
      expect(await killedAt(['add', dir, point, 'killed:one'])).toBe('SIGKILL');
      expect(stateOf(dir, 'killed:one')).toEqual({
        count: committed ? 121 : 120,
        agree: true,
        indexed: committed,
        found: committed,
      });
      nextWriteWorks(dir);
    }, 60_000);

    it(`a remove killed at ${point} leaves the image ${committed ? 'gone' : 'there'}, SQLite and HNSW agreeing`, async () => {
      const dir = syntheticIndex();
      expect(await killedAt(['remove', dir, point, 'synthetic:000007'])).toBe('SIGKILL');
      expect(stateOf(dir, 'synthetic:000007')).toEqual({
        count: committed ? 119 : 120,
        agree: true,
        indexed: !committed,
        found: !committed,
      });
      nextWriteWorks(dir);
    }, 60_000);
  }
});

describe('kill -9 inside a build, after annotation', () => {
  let sample: Awaited<ReturnType<typeof sampleBundle>>;
  let annotator: Annotator;
  let catalog: Catalog;

  beforeAll(async () => {
    await selectBackend('wasm');
    sample = await sampleBundle(60, 17);
    annotator = await loadBundle(sample.bundleDir);
    catalog = Catalog.open(sample.catalogPath);
  }, 180_000);
  afterAll(() => {
    annotator.dispose();
    catalog.close();
  });

  for (const point of ['vectors', 'save-1'] as const) {
    it(`killed at ${point === 'vectors' ? 'the HNSW build' : 'the switch (write lock held)'}: the previous index answers and takes writes, the next build resumes`, async () => {
      const indexDir = join(tempDir(), 'index');
      await buildIndex(catalog, annotator, sample.bundleDir, indexDir);
      const index = SearchIndex.open(indexDir);
      index.remove([index.store.entries([1])[0]?.imageId as string]);
      index.close();
      const before = stateOf(indexDir, 'none');
      expect(await killedAt(['build', sample.catalogPath, sample.bundleDir, indexDir, point])).toBe('SIGKILL');
      expect(stateOf(indexDir, 'none')).toEqual(before);
      nextWriteWorks(indexDir);
      const resumed = await buildIndex(catalog, annotator, sample.bundleDir, indexDir);
      expect(resumed.resumed).toBe(59); // all annotated before the kill; the removed one stays out
      expect(stateOf(indexDir, 'after:kill')).toMatchObject({ count: 60, agree: true, indexed: true });
    }, 180_000);
  }
});
