/**
 * The ROC curve of scores against 0/1 labels as (false-positive rate, true-positive rate) points from (0, 0) to
 * (1, 1), one per distinct score, thinned to at most `maxPoints` (for drawing). Empty without both labels.
 */
export function rocCurve(scores: number[], labels: number[], maxPoints = 60): Array<[number, number]> {
  const positives = labels.filter((y) => y === 1).length;
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return [];
  const order = scores.map((score, n) => ({ score, positive: labels[n] === 1 })).sort((a, b) => b.score - a.score);
  const points: Array<[number, number]> = [[0, 0]];
  let tp = 0;
  let fp = 0;
  order.forEach((item, k) => {
    if (item.positive) tp++;
    else fp++;
    const next = order[k + 1];
    if (next === undefined || next.score !== item.score) points.push([fp / negatives, tp / positives]);
  });
  if (points.length <= maxPoints) return points;
  const step = (points.length - 1) / (maxPoints - 1);
  return Array.from({ length: maxPoints }, (_, k) => points[Math.round(k * step)] as [number, number]);
}
