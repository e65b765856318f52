import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Annotator } from '../../src/cascade/annotator.js';
import { selectBackend } from '../../src/cascade/backend.js';
import { loadBundle } from '../../src/cascade/bundle/load.js';
import { buildIndex } from '../../src/indexer/build-index.js';
import { SearchEngine } from '../../src/search/engine.js';
import { Catalog } from '../../src/store/catalog.js';
import type { IndexEntry } from '../../src/store/index-store.js';
import { SearchIndex } from '../../src/store/search-index.js';
import { VectorIndex } from '../../src/store/vector-index.js';
import { tempDir } from '../helpers/fixtures.js';
import { sampleBundle } from '../helpers/sample-bundle.js';
import { startChild } from './child-process.js';

/** What a full disk must leave (issue 16, item 8): DISK_FULL said, building/ gone, the live index answering. */

const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

/** An entry made from a stored one (its embeddings, its reading) under another id: a write without a model. */
function copyOf(index: SearchIndex, imageId: string): IndexEntry {
  const label = [...index.store.labels()][0] as number;
  const [stored] = index.store.entries([label]);
  const embedding = (kind: 'first' | 'final') => index.store.embedding(label, kind) as Float32Array;
  return {
    ...(stored as unknown as IndexEntry),
    imageId,
    embeddings: { first: embedding('first'), final: embedding('final') },
  };
}

/** Image query hits from a fresh process, as `cxr search` would open the index. */
function queryInChild(indexDir: string): Promise<{ labels?: number[]; code?: string }> {
  const child = startChild('test/fault/query-child.ts', [indexDir]);
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  return new Promise((resolve) => child.once('exit', () => resolve(JSON.parse(out || '{}'))));
}

async function expectLiveIndexAnswers(indexDir: string, count: number): Promise<void> {
  expect(existsSync(join(indexDir, 'building'))).toBe(false);
  const engine = SearchEngine.open(indexDir);
  expect(engine.index.store.count()).toBe(count);
  expect(engine.index.vectors('final').size).toBe(count);
  expect((await engine.search({ text: 'normal', k: 3 })).hits.length).toBeGreaterThan(0);
  await engine.close();
  expect((await queryInChild(indexDir)).labels).toHaveLength(10);
}

describe('a full disk, injected (runs everywhere)', () => {
  let sample: Awaited<ReturnType<typeof sampleBundle>>;
  let annotator: Annotator;
  let catalog: Catalog;
  const indexDir = join(tempDir(), 'index');

  beforeAll(async () => {
    await selectBackend('wasm');
    sample = await sampleBundle(60, 17);
    annotator = await loadBundle(sample.bundleDir);
    catalog = Catalog.open(sample.catalogPath);
    await buildIndex(catalog, annotator, sample.bundleDir, indexDir);
  }, 180_000);
  afterAll(() => {
    annotator.dispose();
    catalog.close();
  });

  it('a build that meets ENOSPC says DISK_FULL, removes building/ and leaves the live index answering', async () => {
    const current = readFileSync(join(indexDir, 'CURRENT'), 'utf8');
    const failing = buildIndex(
      catalog,
      annotator,
      sample.bundleDir,
      join(indexDir),
      {},
      {
        onProgress: (p) => {
          if (p.stage === 'vectors') throw enospc(); // the disk fills as the HNSW files are about to be written
        },
      },
    );
    await expect(failing).rejects.toMatchObject({ code: 'DISK_FULL', details: { cause: 'ENOSPC' } });
    expect(readFileSync(join(indexDir, 'CURRENT'), 'utf8')).toBe(current);
    await expectLiveIndexAnswers(indexDir, 60);
  }, 120_000);

  it('a build failing for any other reason also removes building/, and its error is its own', async () => {
    const failing = buildIndex(
      catalog,
      annotator,
      sample.bundleDir,
      indexDir,
      {},
      {
        onProgress: (p) => {
          if (p.stage === 'annotate' && p.done > 0) throw new Error('an unexpected fault');
        },
      },
    );
    await expect(failing).rejects.toThrow('an unexpected fault');
    await expectLiveIndexAnswers(indexDir, 60);
  }, 120_000);

  it('an add whose HNSW save meets ENOSPC is DISK_FULL and leaves SQLite and HNSW as they were', async () => {
    const index = SearchIndex.open(indexDir);
    const version = index.version();
    const save = vi.spyOn(VectorIndex.prototype, 'save').mockImplementationOnce(() => {
      throw enospc();
    });
    expect(() => index.add([copyOf(index, 'full:one')])).toThrow(expect.objectContaining({ code: 'DISK_FULL' }));
    save.mockRestore();
    expect([index.store.count(), index.version(), index.store.labelOf('full:one')]).toEqual([60, version, undefined]);
    const generation = index.generation;
    expect(
      readdirSync(generation)
        .filter((f) => f.includes('.hnsw'))
        .sort(),
    ).toEqual([
      `final.${version}.hnsw`,
      `final.${version}.hnsw.sum`,
      `first.${version}.hnsw`,
      `first.${version}.hnsw.sum`,
    ]);
    index.add([copyOf(index, 'full:one')]); // once there is room again
    expect(index.vectors('final').size).toBe(61);
    index.remove(['full:one']);
    index.close();
  });
});

/** A small tmpfs can be mounted only by root (CI runs as root); elsewhere this part says why it skips. */
function mountTmpfs(dir: string, megabytes: number): boolean {
  if (process.getuid?.() !== 0) return false;
  mkdirSync(dir, { recursive: true });
  return spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m`, 'tmpfs', dir]).status === 0;
}

const mountPoint = join(tempDir(), 'small-disk');
const mounted = mountTmpfs(mountPoint, 24);
if (!mounted) {
  process.stderr.write(
    'SKIP: disk-full on a real small file system needs root to mount a tmpfs; only the injected cases run\n',
  );
}

/** Fills the file system holding `dir` until ENOSPC, but for `spare` bytes; returns the filler's path. */
function fill(dir: string, name: string, spare = 0): string {
  const path = join(dir, name);
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  if (spare > 0) {
    const size = statSync(path).size;
    spawnSync('truncate', ['-s', String(Math.max(0, size - spare)), path]);
  }
  return path;
}

describe.skipIf(!mounted)('a full disk, for real (a 24 MB tmpfs)', () => {
  let sample: Awaited<ReturnType<typeof sampleBundle>>;
  let annotator: Annotator;
  let catalog: Catalog;
  const indexDir = join(mountPoint, 'index');

  beforeAll(async () => {
    await selectBackend('wasm');
    sample = await sampleBundle(60, 17);
    annotator = await loadBundle(sample.bundleDir);
    catalog = Catalog.open(sample.catalogPath);
    await buildIndex(catalog, annotator, sample.bundleDir, indexDir);
  }, 180_000);
  afterAll(() => {
    annotator?.dispose();
    catalog?.close();
    // Lazily if a failed test left a file open on it: the mount never outlives the run.
    if (spawnSync('umount', [mountPoint]).status !== 0) spawnSync('umount', ['-l', mountPoint]);
  });

  it('the build says DISK_FULL, frees what it wrote, and the previous index opens in new processes', async () => {
    const filler = fill(mountPoint, 'filler', 256 * 1024); // room for part of a build, not for all of it
    const current = readFileSync(join(indexDir, 'CURRENT'), 'utf8');
    await expect(buildIndex(catalog, annotator, sample.bundleDir, indexDir, {})).rejects.toMatchObject({
      code: 'DISK_FULL',
    });
    expect(readFileSync(join(indexDir, 'CURRENT'), 'utf8')).toBe(current);
    await expectLiveIndexAnswers(indexDir, 60);

    const full = fill(mountPoint, 'filler-2'); // not a byte left
    const index = SearchIndex.open(indexDir);
    expect(() => index.add([copyOf(index, 'full:two')])).toThrow(expect.objectContaining({ code: 'DISK_FULL' }));
    expect(index.store.labelOf('full:two')).toBeUndefined();
    index.close();
    rmSync(full);
    rmSync(filler);
    await expectLiveIndexAnswers(indexDir, 60);
    const after = SearchIndex.open(indexDir);
    after.add([copyOf(after, 'full:two')]);
    expect(after.vectors('final').size).toBe(61);
    after.close();
  }, 180_000);
});
