/**
 * A child process for the kill -9 tests: makes one write and kills itself with SIGKILL at a chosen point in it, as a
 * crash or an OOM kill would. The points are reached through the real code (its methods wrapped, nothing else):
 *
 *   add|remove <index> <point> <id> point: store (inside the SQLite transaction), save-1 (first HNSW file written),
 *                                   save-2 (both written, not committed), commit (committed, old files not removed)
 *   build <catalog> <bundle> <index> <point>   point: vectors (annotation done, HNSW being built), save-1 (at the
 *                                   switch, under the write lock)
 */

import { selectBackend } from '../../src/cascade/backend.js';
import { loadBundle } from '../../src/cascade/bundle/load.js';
import { buildIndex } from '../../src/indexer/build-index.js';
import { Catalog } from '../../src/store/catalog.js';
import { type IndexEntry, IndexStore } from '../../src/store/index-store.js';
import { SearchIndex } from '../../src/store/search-index.js';
import { VectorIndex } from '../../src/store/vector-index.js';

const die = () => process.kill(process.pid, 'SIGKILL');

function killAt(point: string): void {
  if (point === 'store') {
    for (const method of ['upsert', 'remove'] as const) {
      const original = IndexStore.prototype[method] as (...args: unknown[]) => unknown;
      (IndexStore.prototype as unknown as Record<string, unknown>)[method] = function (
        this: IndexStore,
        ...args: unknown[]
      ) {
        const result = original.apply(this, args);
        die();
        return result;
      };
    }
  }
  if (point === 'save-1' || point === 'save-2') {
    const original = VectorIndex.prototype.save;
    let saves = 0;
    VectorIndex.prototype.save = function (this: VectorIndex, path: string) {
      original.call(this, path);
      if (++saves === (point === 'save-1' ? 1 : 2)) die();
    };
  }
  if (point === 'commit') {
    const original = IndexStore.prototype.transaction;
    IndexStore.prototype.transaction = function <T>(this: IndexStore, work: () => T): T {
      const result = original.call(this, work) as T;
      die();
      return result;
    };
  }
}

const [command, ...args] = process.argv.slice(2) as [string, ...string[]];
if (command === 'add' || command === 'remove') {
  const [dir, point, id] = args as [string, string, string];
  const index = SearchIndex.open(dir);
  const label = [...index.store.labels()][0] as number;
  const [stored] = index.store.entries([label]);
  const embedding = (kind: 'first' | 'final') => index.store.embedding(label, kind) as Float32Array;
  const entry = {
    ...(stored as unknown as IndexEntry),
    imageId: id,
    embeddings: { first: embedding('first'), final: embedding('final') },
  };
  killAt(point);
  if (command === 'add') index.add([entry]);
  else index.remove([id]);
  process.stdout.write('finished without being killed\n');
} else if (command === 'build') {
  const [catalogPath, bundleDir, indexDir, point] = args as [string, string, string, string];
  await selectBackend('wasm');
  const annotator = await loadBundle(bundleDir);
  const catalog = Catalog.open(catalogPath);
  if (point !== 'vectors') killAt(point);
  await buildIndex(
    catalog,
    annotator,
    bundleDir,
    indexDir,
    { batchSize: 8 },
    {
      onProgress: (p) => {
        if (point === 'vectors' && p.stage === 'vectors') die();
      },
    },
  );
  process.stdout.write('finished without being killed\n');
}
