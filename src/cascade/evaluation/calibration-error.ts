/**
 * Expected calibration error (Guo et al., 2017) with equal-width bins: Σ_b (n_b / n) · |accuracy_b − confidence_b|,
 * for binary probabilities against 0/1 outcomes. NaN without items.
 */
export function binaryCalibrationError(probabilities: number[], outcomes: number[], bins = 10): number {
  if (probabilities.length === 0) return Number.NaN;
  const count = new Array<number>(bins).fill(0);
  const confidence = new Array<number>(bins).fill(0);
  const hits = new Array<number>(bins).fill(0);
  probabilities.forEach((p, n) => {
    const b = Math.min(bins - 1, Math.floor(p * bins));
    count[b] = (count[b] as number) + 1;
    confidence[b] = (confidence[b] as number) + p;
    hits[b] = (hits[b] as number) + (outcomes[n] as number);
  });
  return count.reduce(
    (sum, n, b) =>
      n === 0 ? sum : sum + Math.abs((hits[b] as number) - (confidence[b] as number)) / probabilities.length,
    0,
  );
}

/** ECE of a classifier's top-1 confidence: the top probability against whether the top class is the true one. */
export function topLabelCalibrationError(probabilities: number[][], truth: number[], bins = 10): number {
  const top = probabilities.map((p) => p.reduce((best, value, c) => (value > (p[best] as number) ? c : best), 0));
  return binaryCalibrationError(
    probabilities.map((p, n) => p[top[n] as number] as number),
    top.map((c, n) => (c === truth[n] ? 1 : 0)),
    bins,
  );
}
