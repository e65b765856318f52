/**
 * BLEU as NLTK computes it: modified (clipped) n-gram precision summed over the corpus, geometric mean over
 * n = 1 … N with equal weights, times the brevity penalty exp(1 − r/c) when the candidates are shorter than their
 * closest references. No smoothing: an order with no matching n-gram makes that BLEU 0, as in NLTK.
 */
export interface BleuScores {
  bleu1: number;
  bleu2: number;
  bleu3: number;
  bleu4: number;
}

export function corpusBleu(candidates: string[][], references: string[][][]): BleuScores {
  if (candidates.length !== references.length) throw new Error('corpusBleu: one reference list per candidate');
  const matched = [0, 0, 0, 0];
  const total = [0, 0, 0, 0];
  let candidateLength = 0;
  let referenceLength = 0;
  candidates.forEach((candidate, i) => {
    const refs = references[i] ?? [];
    for (let n = 1; n <= 4; n++) {
      const counts = ngramCounts(candidate, n);
      const maxRef = new Map<string, number>();
      for (const ref of refs)
        for (const [gram, count] of ngramCounts(ref, n)) maxRef.set(gram, Math.max(maxRef.get(gram) ?? 0, count));
      for (const [gram, count] of counts) {
        matched[n - 1] = (matched[n - 1] as number) + Math.min(count, maxRef.get(gram) ?? 0);
        total[n - 1] = (total[n - 1] as number) + count;
      }
    }
    candidateLength += candidate.length;
    referenceLength += closestLength(refs, candidate.length);
  });
  const brevity =
    candidateLength === 0 ? 0 : candidateLength > referenceLength ? 1 : Math.exp(1 - referenceLength / candidateLength);
  const score = (order: number) => {
    let logSum = 0;
    for (let n = 1; n <= order; n++) {
      const m = matched[n - 1] as number;
      const t = total[n - 1] as number;
      if (m === 0 || t === 0) return 0;
      logSum += Math.log(m / t) / order;
    }
    return brevity * Math.exp(logSum);
  };
  return { bleu1: score(1), bleu2: score(2), bleu3: score(3), bleu4: score(4) };
}

export function sentenceBleu(candidate: string[], references: string[][]): BleuScores {
  return corpusBleu([candidate], [references]);
}

function ngramCounts(words: string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= words.length; i++) {
    const gram = words.slice(i, i + n).join('\u0000');
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

/** The reference length closest to the candidate's; the shorter one on a tie (NLTK's rule). */
function closestLength(references: string[][], length: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (const ref of references) {
    const d = Math.abs(ref.length - length);
    const bestD = Math.abs(best - length);
    if (d < bestD || (d === bestD && ref.length < best)) best = ref.length;
  }
  return Number.isFinite(best) ? best : 0;
}
