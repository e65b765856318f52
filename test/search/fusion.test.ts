import { describe, expect, it } from 'vitest';
import { RRF_K, reciprocalRankFusion } from '../../src/search/fusion.js';

describe('reciprocal rank fusion', () => {
  it('sums 1/(60 + rank) over the lists, by hand', () => {
    const fused = reciprocalRankFusion([
      [10, 20, 30],
      [30, 10],
    ]);
    expect(RRF_K).toBe(60);
    const score = (ranks: number[]) => ranks.reduce((sum, r) => sum + 1 / (60 + r), 0);
    expect(fused.map((f) => f.label)).toEqual([10, 30, 20]);
    expect(fused[0]?.score).toBeCloseTo(score([1, 2]), 12);
    expect(fused[1]?.score).toBeCloseTo(score([3, 1]), 12);
    expect(fused[2]?.score).toBeCloseTo(score([2]), 12);
    expect(fused[1]?.ranks).toEqual([3, 1]);
    expect(fused[2]?.ranks).toEqual([2, 0]);
  });
});
