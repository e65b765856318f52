import { describe, expect, it } from 'vitest';
import { BeamSearch, beamWidth, DEFAULT_BEAM } from '../../../src/cascade/models/beam-search.js';
import type { ScoredSequence } from '../../../src/cascade/models/rnn.js';

// Vocabulary: 0 <end>, 1 start, 2 a, 3 b, 4 c. A fake decoder: the next-word distribution depends on the last word.
const END = 0;
const V = 5;
const NEXT: Record<number, number[]> = {
  1: [0, 0, 0.5, 0.4, 0.1], // greedy takes a (0.5) …
  2: [0.2, 0, 0, 0.4, 0.4], // … then b (0.4, tied with c: the lower index) …
  3: [0.9, 0, 0.1, 0, 0], // … then ends: 0.5 · 0.4 · 0.9 = 0.18, where start b end is 0.4 · 0.9 = 0.36
  4: [1, 0, 0, 0, 0],
};

/** Runs the search against the fake decoder, as a runtime's loop does; also records the rows each step ran. */
function decode(firstWords: number[], width: number, maxWords = 5): { results: ScoredSequence[]; steps: number[][] } {
  const search = new BeamSearch(firstWords, END, maxWords, width, V);
  const steps: number[][] = [];
  while (!search.done) {
    const { parents, words } = search.rows();
    expect(parents.length).toBe(words.length);
    steps.push(words);
    search.advance(words.flatMap((w) => NEXT[w] as number[]));
  }
  return { results: search.results(), steps };
}

describe('beam search', () => {
  it('width 1 takes the most probable word at each step (greedy); width 2 finds the more probable sequence', () => {
    expect(decode([1], 1).results).toEqual([{ words: [1, 2, 3], probabilities: [0.5, 0.4] }]);
    const wide = decode([1], 2).results[0] as ScoredSequence;
    expect(wide.words).toEqual([1, 3]);
    expect(wide.probabilities).toEqual([0.4]);
  });

  it('breaks ties toward the lower word index, and stops an image once its best hypothesis has ended', () => {
    // After a, b and c tie at 0.4: width 1 takes b, the lower index, then ends.
    const { results, steps } = decode([2], 1);
    expect(results).toEqual([{ words: [2, 3], probabilities: [0.4] }]);
    expect(steps).toEqual([[2], [3]]);
    // An image whose first word is the end token is done before any step; another image still decodes.
    const both = decode([END, 4], 3);
    expect(both.results).toEqual([
      { words: [END], probabilities: [] },
      { words: [4], probabilities: [] },
    ]);
    expect(both.steps).toEqual([[4]]);
  });

  it('keeps each image to its own hypotheses within one batch, and stops at maxWords words', () => {
    const { results, steps } = decode([1, 3, 1], 2, 3);
    expect(results.map((r) => r.words)).toEqual([[1, 3], [3], [1, 3]]);
    // Step 1: the three first words; step 2: the two images still open, two hypotheses each (a, b).
    expect(steps).toEqual([
      [1, 3, 1],
      [2, 3, 2, 3],
    ]);
    expect(decode([1], 1, 2).results).toEqual([{ words: [1, 2], probabilities: [0.5] }]);
  });

  it('accepts widths 1 to 10 and refuses anything else with INVALID_OPTION', () => {
    expect(beamWidth(undefined)).toBe(DEFAULT_BEAM);
    expect(beamWidth(10)).toBe(10);
    for (const bad of [0, 11, 2.5, Number.NaN]) expect(() => beamWidth(bad)).toThrow(/beam must be an integer/);
    expect(() => beamWidth(0)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});
