import { createHash } from 'node:crypto';

export type Split = 'train' | 'validation' | 'test';

export interface SplitOptions {
  seed: number;
  /** Fractions of each pattern's groups; the rest is train. Default 0.1 and 0.1 (80/10/10). */
  validationFraction?: number;
  testFraction?: number;
  /** At least this many images of a pattern in validation and in test, while a third of the pattern allows. Default 10. */
  minHeldOut?: number;
}

export interface SplitGroup {
  /** Patient id, or the study id when the dataset has no patients: no group straddles splits. */
  id: string;
  /** The pattern the group is stratified by (its images' most frequent one). */
  pattern: string;
  /** Images in the group: fractions are of images, as in the paper. */
  size: number;
  /** The dataset's own split for the group, when it publishes one; `train` groups may still become validation. */
  official?: Split;
}

/**
 * Assigns each group a split, per pattern (stratified), by a seeded hash order: the same seed gives the same
 * split whatever order the groups come in. Published test/validation groups stay where the dataset put them.
 */
export function assignSplits(groups: SplitGroup[], options: SplitOptions): Map<string, Split> {
  const validationFraction = options.validationFraction ?? 0.1;
  const testFraction = options.testFraction ?? 0.1;
  const minHeldOut = options.minHeldOut ?? 10;
  const result = new Map<string, Split>();
  const hasOfficialTest = groups.some((group) => group.official === 'test');
  const byPattern = new Map<string, SplitGroup[]>();
  for (const group of groups) {
    if (group.official === 'test' || group.official === 'validation') {
      result.set(group.id, group.official);
      continue;
    }
    const list = byPattern.get(group.pattern) ?? [];
    list.push(group);
    byPattern.set(group.pattern, list);
  }
  for (const members of byPattern.values()) {
    const ordered = members
      .map((group) => ({ group, key: hashKey(options.seed, group.id) }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map(({ group }) => group);
    const n = ordered.reduce((sum, group) => sum + group.size, 0);
    const heldOut = (fraction: number) => Math.max(Math.round(fraction * n), Math.min(minHeldOut, Math.floor(n / 3)));
    const targets: Array<[Split, number]> = [
      ['test', hasOfficialTest ? 0 : heldOut(testFraction)],
      ['validation', heldOut(validationFraction)],
    ];
    let filled = 0;
    let target = 0;
    for (const group of ordered) {
      while (target < targets.length && filled >= (targets[target] as [Split, number])[1]) {
        target++;
        filled = 0;
      }
      const split = target < targets.length ? (targets[target] as [Split, number])[0] : 'train';
      result.set(group.id, split);
      filled += group.size;
    }
  }
  return result;
}

function hashKey(seed: number, id: string): string {
  return createHash('sha1').update(`${seed}\u0000${id}`).digest('hex');
}
