import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IndexEntry } from '../../src/store/index-store.js';
import { SearchIndex, vectorFile } from '../../src/store/search-index.js';
import { tempDir } from '../helpers/fixtures.js';
import { syntheticEntries, writeSyntheticGeneration } from '../helpers/synthetic-index.js';

const DIMS = 32;

/** The saved HNSW file of a kind at the index's version: its inode (a rebuild saves a new file) and size. */
function savedFile(index: SearchIndex, kind: 'first' | 'final') {
  index.vectors(kind); // a synthetic generation has its files written at their first use
  const stats = statSync(vectorFile(index.generation, kind, index.version()));
  return { inode: stats.ino, size: stats.size };
}

/** Removes in HNSW (issue 16, item 6): no rebuild at the next open, removed slots reused, compaction past 20 %. */
describe('HNSW after removes', () => {
  it('opens a generation after a remove without rebuilding its HNSW, and the removed image stays gone', () => {
    const dir = writeSyntheticGeneration(tempDir(), syntheticEntries(200, DIMS, 3));
    const index = SearchIndex.open(dir);
    const gone = index.store.entries([5])[0] as { imageId: string; label: number };
    const vector = index.store.embedding(gone.label, 'final') as Float32Array;
    expect(index.remove([gone.imageId])).toEqual([gone.imageId]);
    const saved = savedFile(index, 'final');
    index.close();

    const reopened = SearchIndex.open(dir);
    const vectors = reopened.vectors('final');
    expect(savedFile(reopened, 'final')).toEqual(saved); // the same file: read, not rebuilt and saved again
    expect(vectors.size).toBe(199);
    expect(vectors.deleted).toBe(1);
    expect(vectors.search(vector, 199).map((n) => n.label)).not.toContain(gone.label);
    reopened.close();
  });

  it('300 add/remove cycles at a constant 600 images: removed slots are reused, the files do not grow', () => {
    const dir = writeSyntheticGeneration(tempDir(), syntheticEntries(600, DIMS, 4));
    const index = SearchIndex.open(dir);
    const start = { first: savedFile(index, 'first').size, final: savedFile(index, 'final').size };
    const fresh = syntheticEntries(300, DIMS, 5);
    const ids = index.store.entries([...index.store.labels()].sort((a, b) => a - b)).map((e) => e.imageId);
    for (let cycle = 0; cycle < 300; cycle++) {
      index.add([{ ...(fresh[cycle] as IndexEntry), imageId: `cycle:${cycle}` }]);
      index.remove([ids[cycle] as string]);
    }
    expect(index.store.count()).toBe(600);
    for (const kind of ['first', 'final'] as const) {
      expect(index.vectors(kind).size).toBe(600);
      expect(index.vectors(kind).deleted).toBeLessThanOrEqual(1);
      expect(savedFile(index, kind).size).toBeLessThanOrEqual(start[kind] * 1.01);
    }
    // Every image added in the cycles is found by its own embedding.
    const found = [...index.store.labels()].filter((label) => {
      const vector = index.store.embedding(label, 'final') as Float32Array;
      return index.vectors('final').search(vector, 1)[0]?.label === label;
    }).length;
    expect(found).toBeGreaterThanOrEqual(598);
    expect(readdirSync(dir).filter((f) => f.endsWith('.hnsw'))).toHaveLength(2);
    index.close();
  }, 120_000);

  it('compacts a graph past 20 % removed points into a fresh file without them', () => {
    const dir = writeSyntheticGeneration(tempDir(), syntheticEntries(500, DIMS, 6));
    const index = SearchIndex.open(dir);
    const before = savedFile(index, 'final').size;
    const ids = index.store.entries([...index.store.labels()]).map((e) => e.imageId);
    index.remove(ids.slice(0, 50)); // 10 %: marked only
    expect(index.vectors('final').deleted).toBe(50);
    index.remove(ids.slice(50, 150)); // 30 % in all: compacted
    const vectors = index.vectors('final');
    expect([vectors.size, vectors.deleted]).toEqual([350, 0]);
    expect(savedFile(index, 'final').size).toBeLessThan(before * 0.75);
    index.close();
    const reopened = SearchIndex.open(join(dir));
    expect([reopened.vectors('final').size, reopened.vectors('final').deleted]).toEqual([350, 0]);
    reopened.close();
  });
});
