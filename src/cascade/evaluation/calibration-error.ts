import { cxrError } from '../../errors.js';

/** Equal-width bins on [0, 1], as usual for ECE (Guo et al. 2017). */
export const CALIBRATION_BINS = 10;

/**
 * Expected calibration error of binary probabilities: items are binned by probability into `bins` equal-width
 * bins (1 falls into the last); ECE = Σ_b (n_b / n) · |mean probability_b − share of positives_b|. 0 for no items.
 */
export function calibrationError(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<boolean | number>,
  bins = CALIBRATION_BINS,
): number {
  if (probabilities.length !== labels.length) {
    throw cxrError('INVALID_OPTION', `${probabilities.length} probabilities for ${labels.length} labels`, {
      option: 'labels',
    });
  }
  const sums = Array.from({ length: bins }, () => ({ count: 0, probability: 0, positive: 0 }));
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i] as number;
    const bin = sums[Math.min(bins - 1, Math.max(0, Math.floor(p * bins)))] as (typeof sums)[number];
    bin.count++;
    bin.probability += p;
    bin.positive += Number(Boolean(labels[i]));
  }
  const n = probabilities.length;
  if (n === 0) return 0;
  return sums.reduce((ece, bin) => ece + Math.abs(bin.probability - bin.positive) / n, 0);
}

/**
 * Top-1 (confidence) calibration error of multiclass probabilities: each item's highest probability against
 * whether that class is the true one (`truth`: class index per item).
 */
export function topLabelCalibrationError(probabilities: number[][], truth: number[], bins = CALIBRATION_BINS): number {
  const confidence = probabilities.map((p) => Math.max(...p));
  const correct = probabilities.map((p, i) => p.indexOf(Math.max(...p)) === truth[i]);
  return calibrationError(confidence, correct, bins);
}
