import { bootstrapAuroc } from './bootstrap.js';
import { rocCurve } from './roc.js';

/** One finding of the head on held-out images: AUROC with its bootstrap 95% interval (by patient), ROC curve. */
export interface FindingAuroc {
  finding: string;
  positives: number;
  negatives: number;
  auroc: number;
  low: number;
  high: number;
  roc: Array<[number, number]>;
}

/**
 * Per finding, over the images whose labels state it (label 0 or 1; -1 is uncertain and left out): AUROC of its
 * probabilities, a bootstrap interval resampling `groups` (patients), and the ROC curve. Findings without both
 * labels among the images are left out.
 */
export function findingAurocs(
  findings: string[],
  probabilities: number[][],
  labels: number[][],
  groups: string[],
  resamples = 1000,
): FindingAuroc[] {
  return findings.flatMap((finding, f) => {
    const stated = labels.flatMap((row, n) => (row[f] === -1 ? [] : [n]));
    const scores = stated.map((n) => probabilities[n]?.[f] as number);
    const truth = stated.map((n) => labels[n]?.[f] as number);
    const positives = truth.filter((y) => y === 1).length;
    if (positives === 0 || positives === truth.length) return [];
    const interval = bootstrapAuroc(scores, truth, { groups: stated.map((n) => groups[n] as string), resamples });
    const { estimate: auroc, low, high } = interval;
    return [
      { finding, positives, negatives: truth.length - positives, auroc, low, high, roc: rocCurve(scores, truth) },
    ];
  });
}
