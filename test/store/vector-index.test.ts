import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/random.js';
import { isHnswFileComplete } from '../../src/store/hnsw-structure.js';
import { VectorIndex } from '../../src/store/vector-index.js';
import { cosineDistance } from '../helpers/compare.js';
import { tempDir } from '../helpers/fixtures.js';

function randomVectors(count: number, dims: number, seed: number): Float32Array[] {
  const random = new Random(seed);
  return Array.from({ length: count }, () => Float32Array.from({ length: dims }, () => random.normal()));
}

function bruteForce(vectors: Float32Array[], query: Float32Array, k: number): number[] {
  return vectors
    .map((v, label) => ({ label, d: cosineDistance(query, v) }))
    .sort((a, b) => a.d - b.d)
    .slice(0, k)
    .map((x) => x.label);
}

describe('VectorIndex (hnswlib-node, cosine)', () => {
  const vectors = randomVectors(500, 24, 3);

  it('finds the exact nearest neighbours of a small set, nearest first, with cosine distances', () => {
    const index = VectorIndex.create(24, 100);
    for (const [label, v] of vectors.entries()) index.add(label, v);
    expect(index.size).toBe(500);
    const query = vectors[7] as Float32Array;
    const hits = index.search(query, 10);
    expect(hits.map((h) => h.label)).toEqual(bruteForce(vectors, query, 10));
    expect(hits[0]).toMatchObject({ label: 7 });
    expect(hits[0]?.distance).toBeCloseTo(0, 5);
    for (let i = 1; i < hits.length; i++)
      expect(hits[i]?.distance).toBeGreaterThanOrEqual(hits[i - 1]?.distance as number);
  });

  it('asks hnswlib for no more than it holds, and a removed label never comes back', () => {
    const index = VectorIndex.create(24, 4);
    for (const [label, v] of vectors.slice(0, 3).entries()) index.add(label, v);
    expect(index.search(vectors[0] as Float32Array, 50)).toHaveLength(3);
    index.remove(0);
    const hits = index.search(vectors[0] as Float32Array, 50);
    expect(hits.map((h) => h.label).sort()).toEqual([1, 2]);
    expect(VectorIndex.create(24, 1).search(vectors[0] as Float32Array, 5)).toEqual([]);
  });

  it('refuses a vector of the wrong size or with NaN with VECTOR_SIZE', () => {
    const index = VectorIndex.create(24, 4);
    expect(() => index.add(1, new Float32Array(23))).toThrow(expect.objectContaining({ code: 'VECTOR_SIZE' }));
    expect(() => index.search(new Float32Array(25), 1)).toThrow(expect.objectContaining({ code: 'VECTOR_SIZE' }));
    const bad = new Float32Array(24);
    bad[3] = Number.NaN;
    expect(() => index.add(1, bad)).toThrow(expect.objectContaining({ code: 'VECTOR_SIZE' }));
  });

  it('a filter that throws is answered as "no" instead of aborting the process', () => {
    const index = VectorIndex.create(24, 100);
    for (const [label, v] of vectors.slice(0, 100).entries()) index.add(label, v);
    const hits = index.search(vectors[0] as Float32Array, 5, (label) => {
      if (label % 2 === 0) throw new Error('boom');
      return true;
    });
    expect(hits.length).toBe(5);
    expect(hits.every((h) => h.label % 2 === 1)).toBe(true);
  });

  it('saves atomically and loads into a fresh object with its search ef restored; refuses a broken file', () => {
    const dir = tempDir();
    const index = VectorIndex.create(24, 100, { efSearch: 80 });
    for (const [label, v] of vectors.slice(0, 200).entries()) index.add(label, v);
    const file = join(dir, 'v.hnsw');
    index.save(file);
    expect(readdirSync(dir)).toEqual(['v.hnsw', 'v.hnsw.sum']); // the file and its integrity record
    const loaded = VectorIndex.load(file, 24, { efSearch: 80 });
    expect(loaded.size).toBe(200);
    const query = vectors[150] as Float32Array;
    expect(loaded.search(query, 10).map((h) => h.label)).toEqual(index.search(query, 10).map((h) => h.label));
    writeFileSync(join(dir, 'broken.hnsw'), 'not an index');
    expect(() => VectorIndex.load(join(dir, 'broken.hnsw'), 24)).toThrow(
      expect.objectContaining({ code: 'INDEX_CORRUPT' }),
    );
    expect(() => VectorIndex.load(file, 25)).toThrow(expect.objectContaining({ code: 'INDEX_CORRUPT' }));
    expect(existsSync(join(dir, 'missing.hnsw'))).toBe(false);
    expect(() => VectorIndex.load(join(dir, 'missing.hnsw'), 24)).toThrow(
      expect.objectContaining({ code: 'INDEX_CORRUPT' }),
    );
  });
});

describe('isHnswFileComplete: a short write (full disk) is told from a whole file', () => {
  it('is true of a saved file and false of every shortened copy of it', () => {
    const dir = tempDir();
    const vectors = VectorIndex.create(8, 50);
    for (let label = 1; label <= 50; label++)
      vectors.add(
        label,
        Array.from({ length: 8 }, (_, i) => Math.sin(label * (i + 1))),
      );
    const path = join(dir, 'final.1.hnsw');
    vectors.save(path);
    expect(isHnswFileComplete(path)).toBe(true);
    const bytes = readFileSync(path);
    for (const keep of [0, 40, 96, 500, bytes.length - 4, bytes.length - 1]) {
      writeFileSync(join(dir, 'short.hnsw'), bytes.subarray(0, keep));
      expect(isHnswFileComplete(join(dir, 'short.hnsw'))).toBe(false);
    }
  });
});
