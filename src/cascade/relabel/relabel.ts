import { z } from 'zod';
import { kMeans } from './kmeans.js';

export const RelabelOptions = z.object({
  /** A group splits when larger than mean + `stdFactor` × std of the group sizes (the paper: 1). */
  stdFactor: z.number().min(0).default(1),
  /** Images per new cluster: a split group becomes round(n / imagesPerCluster) classes (the paper: 50). */
  imagesPerCluster: z.number().int().min(2).default(50),
  seed: z.number().int().default(1),
});
export type RelabelOptions = z.input<typeof RelabelOptions>;

export interface Relabelling {
  /** The new label of each image, in input order: the old one, or `old#k` for the k-th cluster of a split group. */
  labels: string[];
  /** Groups that were split, with the number of clusters each became. */
  split: Array<{ label: string; images: number; clusters: number }>;
  threshold: number;
}

/**
 * The recurrent cascade's relabelling: images are grouped by their label; a group larger than mean + std of the
 * group sizes is split by k-means over its joint image/text context vectors into round(n/50) clusters, each a new
 * label. Normal images are grouped like any other (the paper splits by disease; `normal` rarely qualifies).
 */
export function relabelByContext(
  labels: string[],
  contexts: ArrayLike<number>[],
  input: RelabelOptions = {},
): Relabelling {
  const options = RelabelOptions.parse(input);
  const groups = new Map<string, number[]>();
  labels.forEach((label, i) => {
    const members = groups.get(label) ?? [];
    members.push(i);
    groups.set(label, members);
  });
  const sizes = [...groups.values()].map((members) => members.length);
  const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
  const std = Math.sqrt(sizes.reduce((a, b) => a + (b - mean) ** 2, 0) / sizes.length);
  const threshold = mean + options.stdFactor * std;
  const result = [...labels];
  const split: Relabelling['split'] = [];
  for (const [label, members] of groups) {
    const clusters = Math.round(members.length / options.imagesPerCluster);
    if (members.length <= threshold || clusters < 2) continue;
    const { assignments } = kMeans(
      members.map((i) => contexts[i] as ArrayLike<number>),
      clusters,
      options.seed,
    );
    members.forEach((image, j) => {
      result[image] = `${label}#${assignments[j]}`;
    });
    split.push({ label, images: members.length, clusters });
  }
  return { labels: result, split, threshold };
}
