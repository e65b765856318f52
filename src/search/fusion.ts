/** Reciprocal rank fusion's constant (Cormack et al. 2009): damps the weight of the very first ranks. */
export const RRF_K = 60;

export interface Fused {
  label: number;
  score: number;
  /** 1-based rank in each list it appears in. */
  ranks: number[];
}

/** Reciprocal rank fusion: score = Σ 1 / (k + rank) over the ranked lists a label appears in. */
export function reciprocalRankFusion(lists: number[][], k = RRF_K): Fused[] {
  const fused = new Map<number, Fused>();
  lists.forEach((list, which) => {
    list.forEach((label, i) => {
      const entry = fused.get(label) ?? { label, score: 0, ranks: lists.map(() => 0) };
      entry.score += 1 / (k + i + 1);
      entry.ranks[which] = i + 1;
      fused.set(label, entry);
    });
  });
  return [...fused.values()].sort((a, b) => b.score - a.score || a.label - b.label);
}
