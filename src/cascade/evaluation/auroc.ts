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
