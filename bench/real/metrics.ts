/** The benchmark's figures for one scorer on the test images. */
import { auroc } from '../../src/cascade/evaluation/auroc.js';
import {
  type BootstrapInterval,
  bootstrapAuroc,
  pairedAurocDifference,
} from '../../src/cascade/evaluation/bootstrap.js';
import { calibrationError } from '../../src/cascade/evaluation/calibration-error.js';
import type { LabelledImage } from './dataset.js';
import { findingLabel, pneumoniaLabel, type Scores } from './scores.js';

export interface ScorerReport {
  name: string;
  /** Pneumonia vs No Finding, with its cluster-bootstrap 95% interval (by patient). */
  pneumoniaAuroc: BootstrapInterval;
  /** AUROC(this) − AUROC(baseline), paired bootstrap by patient; absent for the baseline itself. */
  versusBaseline?: BootstrapInterval;
  findingAuroc: Record<string, number>;
  /** Of the Pneumonia probability, 10 equal-width bins. */
  calibrationError: number;
  /** Share of each image's 10 nearest other test images (cosine) with its normal / pneumonia label. */
  neighbourPrecision: number;
  trainingSeconds: number;
  trainingCpuSeconds: number;
}

export const NEIGHBOURS = 10;

/** Figures of `scores` on `test`, the difference against `baseline` (same images) when given. */
export function reportScorer(
  scores: Scores,
  test: LabelledImage[],
  baseline: Scores | undefined,
  resamples: number,
): ScorerReport {
  const judged = test.flatMap((image, i) => (pneumoniaLabel(image) === undefined ? [] : [i]));
  const labels = judged.map((i) => pneumoniaLabel(test[i] as LabelledImage) as number);
  const groups = judged.map((i) => (test[i] as LabelledImage).patient);
  const pick = (values: ArrayLike<number>) => judged.map((i) => values[i] as number);
  const options = { resamples, groups };
  return {
    name: scores.name,
    pneumoniaAuroc: bootstrapAuroc(pick(scores.pneumonia), labels, options),
    versusBaseline:
      baseline === undefined
        ? undefined
        : pairedAurocDifference(pick(scores.pneumonia), pick(baseline.pneumonia), labels, options),
    findingAuroc: findingAurocs(scores, test),
    calibrationError: calibrationError(pick(scores.pneumonia), labels),
    neighbourPrecision: neighbourPrecision(
      judged.map((i) => scores.embeddings[i] as ArrayLike<number>),
      labels,
    ),
    trainingSeconds: scores.trainingSeconds,
    trainingCpuSeconds: scores.trainingCpuSeconds,
  };
}

/** AUROC of each finding the scorer scores that has positives and negatives among the test images. */
export function findingAurocs(scores: Scores, test: LabelledImage[]): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [finding, values] of scores.findings) {
    const value = auroc(
      values,
      test.map((image) => findingLabel(image, finding)),
    );
    if (!Number.isNaN(value)) result[finding] = value;
  }
  return result;
}

/** Mean over items of the share of their `k` nearest other items (cosine distance) that share their label. */
export function neighbourPrecision(embeddings: ArrayLike<number>[], labels: number[], k = NEIGHBOURS): number {
  const unit = embeddings.map(normalised);
  const shares = unit.map((query, q) => {
    const nearest = unit
      .map((other, o) => ({ o, similarity: o === q ? Number.NEGATIVE_INFINITY : dot(query, other) }))
      .sort((a, b) => b.similarity - a.similarity || a.o - b.o)
      .slice(0, k);
    return nearest.filter(({ o }) => labels[o] === labels[q]).length / nearest.length;
  });
  return shares.reduce((a, b) => a + b, 0) / Math.max(1, shares.length);
}

function normalised(vector: ArrayLike<number>): Float64Array {
  const values = Float64Array.from(vector);
  const norm = Math.sqrt(dot(values, values)) || 1;
  return values.map((v) => v / norm);
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}
