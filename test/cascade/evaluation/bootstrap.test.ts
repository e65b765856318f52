import { describe, expect, it } from 'vitest';
import { bootstrapAuroc, pairedAurocDifference, quantile } from '../../../src/cascade/evaluation/bootstrap.js';
import { Random } from '../../../src/random.js';

/** `n` items, half positive, scored by the label plus noise of the given spread. */
function noisy(n: number, spread: number, seed: number): { scores: number[]; positives: boolean[] } {
  const random = new Random(seed);
  const positives = Array.from({ length: n }, (_, i) => i % 2 === 0);
  return { scores: positives.map((p) => Number(p) + random.normal(0, spread)), positives };
}

const width = (interval: { low: number; high: number }) => interval.high - interval.low;

describe('bootstrap AUROC interval', () => {
  it('is [1, 1] for perfectly separated scores and uses 1,000 resamples by default', () => {
    const positives = Array.from({ length: 40 }, (_, i) => i < 20);
    const interval = bootstrapAuroc(
      positives.map((p, i) => (p ? 100 + i : i)),
      positives,
    );
    expect(interval).toMatchObject({ estimate: 1, low: 1, high: 1 });
    expect(interval.used + interval.skipped).toBe(1000);
  });

  it('skips resamples with one class only and says how many it used', () => {
    // One positive in three items: a resample misses it with probability (2/3)³ ≈ 0.30.
    const interval = bootstrapAuroc([0.9, 0.1, 0.2], [1, 0, 0], { resamples: 2000 });
    expect(interval.used + interval.skipped).toBe(2000);
    expect(interval.skipped / 2000).toBeGreaterThan(0.25);
    expect(interval.skipped / 2000).toBeLessThan(0.35);
    expect(interval.low).toBe(1);
  });

  it('gives NaN bounds when no resample has both classes', () => {
    const interval = bootstrapAuroc([0.3, 0.4], [1, 1], { resamples: 50 });
    expect(interval.used).toBe(0);
    expect(interval.skipped).toBe(50);
    expect(interval.low).toBeNaN();
    expect(interval.estimate).toBeNaN();
  });

  it('brackets the estimate, narrows with more items and repeats with its seed', () => {
    const small = noisy(40, 1, 3);
    const large = noisy(200, 1, 3);
    const a = bootstrapAuroc(small.scores, small.positives, { seed: 7 });
    const b = bootstrapAuroc(large.scores, large.positives, { seed: 7 });
    expect(a.low).toBeLessThan(a.estimate);
    expect(a.high).toBeGreaterThan(a.estimate);
    // Width shrinks as 1/√n: √(40/200) ≈ 0.45.
    expect(width(b)).toBeLessThan(0.7 * width(a));
    expect(bootstrapAuroc(small.scores, small.positives, { seed: 7 })).toEqual(a);
    expect(bootstrapAuroc(small.scores, small.positives, { seed: 8 }).low).not.toBe(a.low);
  });

  it('draws whole groups: five copies of each item resampled by item group equal the items resampled alone', () => {
    const { scores, positives } = noisy(30, 1, 5);
    const copies = (values: Array<number | boolean>) => values.flatMap((v) => [v, v, v, v, v]);
    const groups = scores.flatMap((_, i) => [i, i, i, i, i]);
    const alone = bootstrapAuroc(scores, positives, { seed: 2 });
    const byGroup = bootstrapAuroc(copies(scores) as number[], copies(positives) as boolean[], { seed: 2, groups });
    expect(byGroup.low).toBeCloseTo(alone.low, 10);
    expect(byGroup.high).toBeCloseTo(alone.high, 10);
    // Treating the copies as independent images would claim far more certainty than there is.
    const naive = bootstrapAuroc(copies(scores) as number[], copies(positives) as boolean[], { seed: 2 });
    expect(width(naive)).toBeLessThan(0.6 * width(alone));
  });

  it('refuses a group list of another length', () => {
    expect(() => bootstrapAuroc([0, 1], [0, 1], { groups: ['a'] })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
  });
});

describe('paired bootstrap of an AUROC difference', () => {
  it('is exactly 0 for a scorer against itself', () => {
    const { scores, positives } = noisy(50, 1, 1);
    expect(pairedAurocDifference(scores, scores, positives)).toMatchObject({ estimate: 0, low: 0, high: 0 });
  });

  it('resamples both scorers alike: a small change has a narrower interval than either AUROC', () => {
    const { scores, positives } = noisy(80, 1, 4);
    const random = new Random(9);
    const other = scores.map((s) => s + random.normal(0, 0.2));
    const difference = pairedAurocDifference(scores, other, positives, { seed: 3 });
    const single = bootstrapAuroc(scores, positives, { seed: 3 });
    expect(width(difference)).toBeLessThan(width(single) / 2);
    expect(difference.low).toBeLessThanOrEqual(difference.estimate);
    expect(difference.high).toBeGreaterThanOrEqual(difference.estimate);
  });

  it('excludes 0 when one scorer separates and the other guesses', () => {
    const { positives } = noisy(60, 1, 2);
    const random = new Random(11);
    const perfect = positives.map((p) => Number(p));
    const guess = positives.map(() => random.next());
    const difference = pairedAurocDifference(perfect, guess, positives);
    expect(difference.low).toBeGreaterThan(0.2);
    expect(difference.estimate).toBeGreaterThan(difference.low);
  });
});

describe('quantile', () => {
  it('interpolates between order statistics', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBeCloseTo(2.5, 12);
    expect(quantile([1, 2, 3, 4], 0.25)).toBeCloseTo(1.75, 12);
    expect(quantile([5], 0.975)).toBe(5);
    expect(quantile([], 0.5)).toBeNaN();
  });
});
