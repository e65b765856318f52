import { z } from 'zod';
import { cxrError } from '../../errors.js';
import type { ScoredSequence } from './rnn.js';

/**
 * How many partial annotations the decoder keeps per image: 1 is greedy decoding. The default is what measured
 * best for BLEU at an acceptable cost on the sample (bench/beam.ts; the README has the table).
 */
export const MAX_BEAM = 10;
export const BeamWidth = z.number().int().min(1).max(MAX_BEAM).default(1);
export const DEFAULT_BEAM = BeamWidth.parse(undefined);

/** A beam width from a caller (library or CLI), refused with INVALID_OPTION when not an integer from 1 to MAX_BEAM. */
export function beamWidth(value: number | undefined): number {
  const parsed = BeamWidth.safeParse(value);
  if (!parsed.success)
    throw cxrError('INVALID_OPTION', `beam must be an integer from 1 to ${MAX_BEAM}, not '${value}'`, {
      option: 'beam',
      value,
    });
  return parsed.data;
}

/** A partial (or finished) annotation: its words, each later word's probability, and their summed log. */
interface Hypothesis {
  words: number[];
  probabilities: number[];
  logProbability: number;
  finished: boolean;
  /** The row of the last decoder step whose state continues this hypothesis (at first: its image's row). */
  row: number;
}

/** The rows the decoder runs next: which row of the previous step's state each continues, and the word it reads. */
export interface BeamRows {
  parents: number[];
  words: number[];
}

interface Candidate {
  hypothesis: Hypothesis;
  logProbability: number;
  rank: number;
  /** -1 for a finished hypothesis carried over as it is. */
  word: number;
  probability: number;
  /** The row of this step that computed it. */
  row: number;
}

/**
 * Batched beam search, kept apart from the runtime that computes the probabilities so that TensorFlow.js and ONNX
 * Runtime rank, break ties and stop identically. The decoder loop asks `rows()` which states to gather and which
 * words to read, runs one step for all of them at once, and hands the next-word probabilities to `advance()`.
 *
 * A hypothesis scores the summed log-probability of its words (and of the end token once it ends). Ties go to the
 * better-ranked parent, then the lower word index: at width 1 that is the argmax greedy decoding takes, so width 1
 * is greedy decoding exactly. An image is done when its best hypothesis has ended (nothing below it can overtake
 * it: probabilities only shrink a score) or after `maxWords` words in all, as in greedy decoding.
 */
export class BeamSearch {
  private beams: Hypothesis[][];
  private steps = 1;

  constructor(
    firstWords: number[],
    private readonly endToken: number,
    private readonly maxWords: number,
    private readonly width: number,
    private readonly vocabularySize: number,
  ) {
    this.beams = firstWords.map((word, image) => [
      { words: [word], probabilities: [], logProbability: 0, finished: word === endToken, row: image },
    ]);
  }

  get done(): boolean {
    return this.steps >= this.maxWords || this.beams.every((beam) => beam[0]?.finished);
  }

  /** The unfinished hypotheses of the images still decoding, image by image, best first. */
  rows(): BeamRows {
    const live = this.live();
    return { parents: live.map((h) => h.row), words: live.map((h) => h.words.at(-1) as number) };
  }

  /** Extends every row of `rows()` by the step's next-word probabilities, row after row of `vocabularySize`. */
  advance(probabilities: ArrayLike<number>): void {
    let row = 0;
    this.beams = this.beams.map((beam) => {
      if (beam[0]?.finished) return beam;
      const candidates: Candidate[] = [];
      beam.forEach((hypothesis, rank) => {
        if (hypothesis.finished) {
          const { logProbability, row: kept } = hypothesis;
          candidates.push({ hypothesis, logProbability, rank, word: -1, probability: 1, row: kept });
          return;
        }
        const offset = row * this.vocabularySize;
        for (const word of topWords(probabilities, offset, this.vocabularySize, this.width)) {
          const probability = probabilities[offset + word] as number;
          const logProbability = hypothesis.logProbability + Math.log(probability);
          candidates.push({ hypothesis, logProbability, rank, word, probability, row });
        }
        row++;
      });
      candidates.sort((a, b) => b.logProbability - a.logProbability || a.rank - b.rank || a.word - b.word);
      return candidates.slice(0, this.width).map((c) => this.extend(c));
    });
    this.steps++;
  }

  /** Each image's best hypothesis: its words (the first included) and each later word's probability. */
  results(): ScoredSequence[] {
    return this.beams.map((beam) => {
      const best = beam[0] as Hypothesis;
      return { words: best.words, probabilities: best.probabilities };
    });
  }

  private live(): Hypothesis[] {
    return this.beams.filter((beam) => !beam[0]?.finished).flatMap((beam) => beam.filter((h) => !h.finished));
  }

  private extend({ hypothesis, logProbability, word, probability, row }: Candidate): Hypothesis {
    if (word === -1) return hypothesis;
    if (word === this.endToken) return { ...hypothesis, logProbability, finished: true, row };
    return {
      words: [...hypothesis.words, word],
      probabilities: [...hypothesis.probabilities, probability],
      logProbability,
      finished: false,
      row,
    };
  }
}

/** The `count` most probable words of one row, most probable first, the lower index first among equals. */
function topWords(probabilities: ArrayLike<number>, offset: number, size: number, count: number): number[] {
  const best: number[] = [];
  for (let word = 0; word < size; word++) {
    const p = probabilities[offset + word] as number;
    let at = best.length;
    while (at > 0 && p > (probabilities[offset + (best[at - 1] as number)] as number)) at--;
    if (at < count) {
      best.splice(at, 0, word);
      if (best.length > count) best.pop();
    }
  }
  return best;
}
