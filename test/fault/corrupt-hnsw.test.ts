import { existsSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SearchIndex } from '../../src/store/search-index.js';
import { VectorIndex } from '../../src/store/vector-index.js';
import { tempDir } from '../helpers/fixtures.js';
import { syntheticEntries, writeSyntheticGeneration } from '../helpers/synthetic-index.js';
import { garbageInTheMiddle, queryInChild } from './damage.js';

/** A generation of 600 synthetic entries whose HNSW files have been built and saved once. */
function savedGeneration(): { dir: string; file: string; expected: number[] } {
  const dir = writeSyntheticGeneration(join(tempDir(), 'g-1'), syntheticEntries(600, 64, 7));
  const index = SearchIndex.open(dir);
  const first = index.store.embedding(1, 'final') as Float32Array;
  const expected = index
    .vectors('final')
    .search(first, 10)
    .map((h) => h.label);
  index.close();
  const file = join(dir, 'final.0.hnsw');
  expect(existsSync(file)).toBe(true);
  return { dir, file, expected };
}

describe('a corrupt HNSW file', () => {
  it('garbage in the middle (same size) is detected and rebuilt from SQLite, not a SIGSEGV', () => {
    const { dir, file, expected } = savedGeneration();
    garbageInTheMiddle(file, 20_000);
    const result = queryInChild(dir);
    expect(result.signal ?? null).toBeNull();
    expect(result).toEqual({ labels: expected, warning: 'rebuilt' });
    // Rebuilt and saved: the file now passes its check and gives the same answer, without a warning.
    expect(queryInChild(dir)).toEqual({ labels: expected });
  });

  it('a file saved before integrity records (no sidecar) still opens; a damaged one is caught by its structure', () => {
    const { dir, file, expected } = savedGeneration();
    rmSync(`${file}.sum`);
    expect(queryInChild(dir)).toEqual({ labels: expected });
    rmSync(`${file}.sum`, { force: true });
    garbageInTheMiddle(file, 20_000, 11);
    // hnswlib would load this one (its sizes add up) and crash on the first query; the structure check refuses it.
    expect(() => VectorIndex.load(file, 64)).toThrow(expect.objectContaining({ code: 'INDEX_CORRUPT' }));
    expect(queryInChild(dir)).toEqual({ labels: expected, warning: 'rebuilt' });
    // A damaged integrity record is as good as a damaged file: rebuilt.
    writeFileSync(`${file}.sum`, '{"size": "garbage"');
    expect(queryInChild(dir)).toEqual({ labels: expected, warning: 'rebuilt' });
    expect(
      readdirSync(dir)
        .filter((f) => f.includes('.hnsw'))
        .sort(),
    ).toEqual(['final.0.hnsw', 'final.0.hnsw.sum']);
  });

  it('a truncated, zeroed or missing file is rebuilt from SQLite, with a warning, on every open', () => {
    const { dir, file, expected } = savedGeneration();
    const damages: Array<[string, () => void]> = [
      ['truncated', () => truncateSync(file, Math.floor(readFileSync(file).length / 3))],
      ['zeroed', () => writeFileSync(file, Buffer.alloc(readFileSync(file).length))],
      ['missing', () => rmSync(file)],
      ['empty', () => writeFileSync(file, '')],
    ];
    for (const [what, damage] of damages) {
      damage();
      const result = queryInChild(dir);
      expect({ what, ...result }).toEqual({
        what,
        labels: expected,
        ...(what === 'missing' ? {} : { warning: 'rebuilt' }),
      });
    }
  });
});
