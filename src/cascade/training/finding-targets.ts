import type { TrainingExample } from '../data/training-set.js';

/**
 * The findings the per-finding head learns: top terms that at least `minCases` training images state present and
 * at least `minCases` do not, most frequent first (ties by name). Every labelled image counts, whether or not its
 * pattern is common enough to be a class.
 */
export function chooseFindings(examples: TrainingExample[], minCases: number): string[] {
  const train = examples.filter((example) => example.split === 'train');
  const positives = new Map<string, number>();
  for (const example of train) {
    for (const finding of example.positives) positives.set(finding, (positives.get(finding) ?? 0) + 1);
  }
  return [...positives]
    .filter(([, n]) => n >= minCases && train.length - n >= minCases)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([finding]) => finding);
}

/**
 * An example's targets over `findings`: 1 where its labels state the finding, 0 where they do not (a labelled image
 * that does not name a finding is a negative for it, as in ChestX-ray14 and CheXpert practice), and a mask that is
 * 0 where they state it uncertain, so the head is neither rewarded nor penalised there.
 */
export function findingTargets(example: TrainingExample, findings: string[]): { targets: number[]; mask: number[] } {
  const present = new Set(example.positives);
  const uncertain = new Set(example.uncertain);
  return {
    targets: findings.map((finding) => (present.has(finding) ? 1 : 0)),
    mask: findings.map((finding) => (uncertain.has(finding) ? 0 : 1)),
  };
}

/** An image's label per finding as evaluation reads it: 1 present, 0 absent, -1 uncertain (left out). */
export function statedLabels(example: TrainingExample, findings: string[]): number[] {
  const { targets, mask } = findingTargets(example, findings);
  return targets.map((t, f) => (mask[f] === 0 ? -1 : t));
}
