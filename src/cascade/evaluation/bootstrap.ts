import { z } from 'zod';
import { cxrError } from '../../errors.js';
import { Random } from '../../random.js';
import { auroc } from './auroc.js';

export const BootstrapOptions = z.object({
  resamples: z.number().int().min(1).default(1000),
  seed: z.number().int().default(1),
  /** Coverage of the percentile interval. */
  level: z.number().gt(0).lt(1).default(0.95),
  /**
   * A group per item (a patient id): whole groups are drawn (cluster bootstrap), since images of one patient are
   * not independent. Default: every item its own group.
   */
  groups: z.array(z.union([z.string(), z.number()])).optional(),
});
export type BootstrapOptions = z.input<typeof BootstrapOptions>;

export interface BootstrapInterval {
  /** The statistic on all items. */
  estimate: number;
  /** Percentile bounds over the usable resamples (NaN when none was usable). */
  low: number;
  high: number;
  /** Resamples the statistic was defined on (AUROC needs both classes); the others are skipped. */
  used: number;
  skipped: number;
}

/**
 * Percentile bootstrap of `statistic` over `count` items: each resample draws as many groups as there are, with
 * replacement, and takes all their items. A resample where the statistic is undefined (NaN) is skipped.
 */
export function bootstrap(
  count: number,
  statistic: (indices: number[]) => number,
  input: BootstrapOptions = {},
): BootstrapInterval {
  const options = BootstrapOptions.parse(input);
  const clusters = clustersOf(count, options.groups);
  const random = new Random(options.seed);
  const values: number[] = [];
  for (let r = 0; r < options.resamples; r++) {
    const indices: number[] = [];
    for (let k = 0; k < clusters.length; k++) indices.push(...(random.pick(clusters) as number[]));
    const value = statistic(indices);
    if (!Number.isNaN(value)) values.push(value);
  }
  values.sort((a, b) => a - b);
  const tail = (1 - options.level) / 2;
  return {
    estimate: statistic(Array.from({ length: count }, (_, i) => i)),
    low: quantile(values, tail),
    high: quantile(values, 1 - tail),
    used: values.length,
    skipped: options.resamples - values.length,
  };
}

/** Bootstrap interval of the AUROC of `scores` against `positives`. */
export function bootstrapAuroc(
  scores: ArrayLike<number>,
  positives: ArrayLike<boolean | number>,
  options: BootstrapOptions = {},
): BootstrapInterval {
  return bootstrap(scores.length, (indices) => aurocAt(scores, positives, indices), options);
}

/**
 * Paired bootstrap of AUROC(a) − AUROC(b), two scorers of the same items: each resample scores both on the same
 * items, so what the items share (their difficulty) cancels out of the difference.
 */
export function pairedAurocDifference(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  positives: ArrayLike<boolean | number>,
  options: BootstrapOptions = {},
): BootstrapInterval {
  return bootstrap(a.length, (indices) => aurocAt(a, positives, indices) - aurocAt(b, positives, indices), options);
}

function aurocAt(scores: ArrayLike<number>, positives: ArrayLike<boolean | number>, indices: number[]): number {
  return auroc(
    indices.map((i) => scores[i] as number),
    indices.map((i) => positives[i] as boolean | number),
  );
}

/** Item indices by group, in first-seen order (so the same seed draws the same resamples). */
function clustersOf(count: number, groups?: Array<string | number>): number[][] {
  if (groups === undefined) return Array.from({ length: count }, (_, i) => [i]);
  if (groups.length !== count) {
    throw cxrError('INVALID_OPTION', `${groups.length} groups for ${count} items`, { option: 'groups' });
  }
  const byGroup = new Map<string | number, number[]>();
  for (let i = 0; i < count; i++) {
    const group = groups[i] as string | number;
    const members = byGroup.get(group) ?? [];
    members.push(i);
    byGroup.set(group, members);
  }
  return [...byGroup.values()];
}

/** Linear interpolation between order statistics (R's type 7); NaN for no values. */
export function quantile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = p * (sorted.length - 1);
  const below = Math.floor(at);
  const above = Math.min(below + 1, sorted.length - 1);
  return (sorted[below] as number) + (at - below) * ((sorted[above] as number) - (sorted[below] as number));
}
