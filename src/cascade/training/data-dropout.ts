import { Random } from '../../random.js';

export interface DataDropoutPlan {
  /** Copies of each diseased image per epoch: round(4 · n_max / n_class). */
  replication: Map<string, number>;
  /** Probability that a normal image is kept in a mini-batch: 4 · n_max / n_normal (≤ 1). */
  normalKeep: number;
  nMax: number;
}

/**
 * The paper's "data dropout" against class imbalance: every diseased image is replicated round(4·n_max/n_i)
 * times (n_max = the largest non-normal class; the copies are randomly cropped), and in every mini-batch each
 * normal image is kept with probability 4·n_max/n_normal (dropped ≈ 74% of the time on OpenI).
 */
export function dataDropoutPlan(counts: Map<string, number>, normalLabel = 'normal'): DataDropoutPlan {
  const diseased = [...counts].filter(([label]) => label !== normalLabel);
  const nMax = Math.max(1, ...diseased.map(([, n]) => n));
  const replication = new Map(diseased.map(([label, n]) => [label, Math.max(1, Math.round((4 * nMax) / n))]));
  const normal = counts.get(normalLabel) ?? 0;
  return { replication, normalKeep: normal === 0 ? 1 : Math.min(1, (4 * nMax) / normal), nMax };
}

/** One epoch's image order under the plan: diseased images repeated, normal ones thinned, shuffled by seed. */
export function dataDropoutEpoch(
  labels: string[],
  plan: DataDropoutPlan,
  seed: number,
  normalLabel = 'normal',
): number[] {
  const random = new Random(seed);
  const order: number[] = [];
  labels.forEach((label, i) => {
    if (label === normalLabel) {
      if (random.chance(plan.normalKeep)) order.push(i);
    } else {
      for (let copy = 0; copy < (plan.replication.get(label) ?? 1); copy++) order.push(i);
    }
  });
  return random.shuffle(order);
}

/**
 * How much more (or less) often each class was shown in training than it occurs: true share / trained share.
 * Multiplying the CNN's probabilities by it (and renormalising) undoes the prior that data dropout or class
 * weights taught, so the most probable class is again the most probable in the collection.
 */
export function priorCorrection(trueCounts: number[], trainedCounts: number[]): number[] {
  const trueTotal = trueCounts.reduce((a, b) => a + b, 0);
  const trainedTotal = trainedCounts.reduce((a, b) => a + b, 0);
  return trueCounts.map((n, c) => {
    const trained = (trainedCounts[c] as number) / trainedTotal;
    return trained === 0 ? 1 : n / trueTotal / trained;
  });
}

/** Probabilities re-weighted by a prior correction and renormalised (no correction: unchanged). */
export function applyCorrection(probabilities: number[], correction: number[]): number[] {
  if (correction.length !== probabilities.length) return probabilities;
  const weighted = probabilities.map((p, c) => p * (correction[c] as number));
  const total = weighted.reduce((a, b) => a + b, 0);
  return total > 0 ? weighted.map((p) => p / total) : probabilities;
}
