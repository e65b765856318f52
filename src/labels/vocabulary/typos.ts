import distance from 'damerau-levenshtein';

/**
 * Typo tolerance for words of the vocabulary: a word of at least 5 letters the vocabulary does not know is read as
 * the known word within one edit (two from 8 letters on), a swap of two letters counting as one edit
 * (Damerau–Levenshtein: "plueral", "nodlue" are the commonest slips). Short words are never corrected: too many
 * real words lie one edit from each other.
 */
export function correctWord(word: string, known: ReadonlySet<string>): string {
  if (word.length < 5 || known.has(word) || /\d/.test(word)) return word;
  const limit = word.length >= 8 ? 2 : 1;
  let best: string | undefined;
  let bestSteps = limit + 1;
  for (const candidate of known) {
    if (Math.abs(candidate.length - word.length) > limit || candidate.length < 4) continue;
    const steps = distance(word, candidate).steps;
    if (steps < bestSteps || (steps === bestSteps && best !== undefined && preferred(candidate, best))) {
      best = candidate;
      bestSteps = steps;
    }
  }
  return best ?? word;
}

/** Between two equally near words: the longer, then the first alphabetically — a stable, explainable choice. */
function preferred(candidate: string, best: string): boolean {
  return candidate.length > best.length || (candidate.length === best.length && candidate < best);
}
