import { describe, expect, it } from 'vitest';
import { kMeans } from '../../../src/cascade/relabel/kmeans.js';
import { relabelByContext } from '../../../src/cascade/relabel/relabel.js';
import { Random } from '../../../src/random.js';

/** n points around each centre, spread 0.1. */
function blobs(centres: number[][], n: number, seed = 1): number[][] {
  const random = new Random(seed);
  return centres.flatMap((centre) => Array.from({ length: n }, () => centre.map((c) => c + random.normal(0, 0.1))));
}

describe('k-means++', () => {
  it('recovers well-separated clusters, deterministically for a seed', () => {
    const points = blobs(
      [
        [0, 0],
        [5, 5],
        [0, 5],
      ],
      40,
    );
    const a = kMeans(points, 3, 7);
    const b = kMeans(points, 3, 7);
    expect(Array.from(a.assignments)).toEqual(Array.from(b.assignments));
    for (let blob = 0; blob < 3; blob++) {
      const members = new Set(Array.from(a.assignments.slice(blob * 40, blob * 40 + 40)));
      expect(members.size).toBe(1);
    }
    expect(new Set(Array.from(a.assignments)).size).toBe(3);
  });

  it('refuses k outside 1 … n with INVALID_OPTION', () => {
    expect(() => kMeans([[0], [1]], 3, 1)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});

describe('relabelling by joint context', () => {
  it('splits only groups above mean + std into round(n/50) clusters, leaving the others as they were', () => {
    // Sizes 200, 40, 30, 30: mean 75, std ≈ 72.3 → only the 200-image group (two context modes) splits, into 4.
    const contexts = [
      ...blobs(
        [
          [0, 0],
          [4, 4],
        ],
        100,
      ),
      ...blobs([[9, 9]], 40, 2),
      ...blobs([[9, 0]], 30, 3),
      ...blobs([[0, 9]], 30, 4),
    ];
    const labels = [
      ...Array(200).fill('calcified_granuloma'),
      ...Array(40).fill('cardiomegaly'),
      ...Array(30).fill('nodule'),
      ...Array(30).fill('opacity'),
    ];
    const result = relabelByContext(labels, contexts, { seed: 3 });
    expect(result.threshold).toBeCloseTo(
      75 + Math.sqrt(((200 - 75) ** 2 + (40 - 75) ** 2 + 2 * (30 - 75) ** 2) / 4),
      6,
    );
    expect(result.split).toEqual([{ label: 'calcified_granuloma', images: 200, clusters: 4 }]);
    expect(new Set(result.labels.slice(0, 200)).size).toBe(4);
    expect(result.labels.slice(200)).toEqual(labels.slice(200));
    // The two context modes never share a cluster.
    const first = new Set(result.labels.slice(0, 100));
    const second = new Set(result.labels.slice(100, 200));
    expect([...first].some((label) => second.has(label))).toBe(false);
  });
});
