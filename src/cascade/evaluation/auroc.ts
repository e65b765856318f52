/**
 * Area under the ROC curve by the Mann–Whitney statistic: the probability that a random positive scores above a
 * random negative, ties counting one half (average ranks). Undefined (NaN) without both classes.
 */
export function auroc(scores: ArrayLike<number>, positives: ArrayLike<boolean | number>): number {
  const items = Array.from(scores, (score, i) => ({ score, positive: Boolean(positives[i]) }));
  const nPositive = items.filter((item) => item.positive).length;
  const nNegative = items.length - nPositive;
  if (nPositive === 0 || nNegative === 0) return Number.NaN;
  items.sort((a, b) => a.score - b.score);
  let rankSum = 0;
  for (let i = 0; i < items.length; ) {
    let j = i;
    while (j < items.length && (items[j] as { score: number }).score === (items[i] as { score: number }).score) j++;
    const averageRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if ((items[k] as { positive: boolean }).positive) rankSum += averageRank;
    i = j;
  }
  return (rankSum - (nPositive * (nPositive + 1)) / 2) / (nPositive * nNegative);
}

/** One-vs-rest AUROC of each class (rows of `probabilities` by class index), for the classes it is defined for. */
export function aurocPerClass(probabilities: number[][], truth: number[], classes: string[]): Record<string, number> {
  const perClass: Record<string, number> = {};
  classes.forEach((name, c) => {
    const score = auroc(
      probabilities.map((p) => p[c] as number),
      truth.map((t) => t === c),
    );
    if (!Number.isNaN(score)) perClass[name] = score;
  });
  return perClass;
}
