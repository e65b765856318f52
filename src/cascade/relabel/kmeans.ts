import { cxrError } from '../../errors.js';
import { Random } from '../../random.js';

export interface KMeansResult {
  /** Cluster of each point, 0 … k−1. */
  assignments: Int32Array;
  centroids: Float64Array[];
  iterations: number;
}

/**
 * k-means with k-means++ seeding (Arthur & Vassilvitskii 2007), deterministic for a seed: the first centre is a
 * random point, each next one a point drawn with probability ∝ squared distance to its nearest centre; then
 * Lloyd iterations until no assignment changes (or `maxIterations`).
 */
export function kMeans(points: ArrayLike<number>[], k: number, seed: number, maxIterations = 100): KMeansResult {
  if (!Number.isInteger(k) || k < 1 || k > points.length) {
    throw cxrError('INVALID_OPTION', `k-means needs 1 ≤ k ≤ ${points.length} points, got k = ${k}`, {
      k,
      points: points.length,
    });
  }
  const random = new Random(seed);
  const dimension = points[0]?.length ?? 0;
  const centroids = seedCentres(points, k, random);
  const assignments = new Int32Array(points.length).fill(-1);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    let changed = false;
    points.forEach((point, i) => {
      const best = nearestCentre(point, centroids).index;
      if (best !== assignments[i]) {
        assignments[i] = best;
        changed = true;
      }
    });
    if (!changed) break;
    const sums = centroids.map(() => new Float64Array(dimension));
    const counts = new Int32Array(k);
    points.forEach((point, i) => {
      const c = assignments[i] as number;
      counts[c] = (counts[c] as number) + 1;
      const sum = sums[c] as Float64Array;
      for (let d = 0; d < dimension; d++) sum[d] = (sum[d] as number) + (point[d] as number);
    });
    sums.forEach((sum, c) => {
      if ((counts[c] as number) > 0) centroids[c] = sum.map((v) => v / (counts[c] as number));
    });
  }
  return { assignments, centroids, iterations };
}

function seedCentres(points: ArrayLike<number>[], k: number, random: Random): Float64Array[] {
  const centres = [Float64Array.from(points[Math.floor(random.next() * points.length)] as ArrayLike<number>)];
  while (centres.length < k) {
    const weights = points.map((point) => nearestCentre(point, centres).distance);
    const total = weights.reduce((a, b) => a + b, 0);
    let r = random.next() * total;
    let chosen = weights.findIndex((w) => {
      r -= w;
      return r < 0;
    });
    if (total === 0 || chosen < 0) chosen = centres.length % points.length; // all points coincide with centres
    centres.push(Float64Array.from(points[chosen] as ArrayLike<number>));
  }
  return centres;
}

function nearestCentre(point: ArrayLike<number>, centres: Float64Array[]): { index: number; distance: number } {
  let index = 0;
  let distance = Number.POSITIVE_INFINITY;
  centres.forEach((centre, c) => {
    let d = 0;
    for (let i = 0; i < centre.length; i++) d += ((point[i] as number) - (centre[i] as number)) ** 2;
    if (d < distance) {
      distance = d;
      index = c;
    }
  });
  return { index, distance };
}
