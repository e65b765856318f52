import type * as tf from '@tensorflow/tfjs';
import { LOCATION_WORDS, SEVERITY_WORDS, SIDE_WORDS } from '../../labels/sequences.js';
import type { RnnDecoder } from '../models/rnn.js';
import type { Vocabulary } from '../vocabulary.js';
import { type BleuScores, corpusBleu } from './bleu.js';

export interface AnnotationReport extends BleuScores {
  images: number;
  /** Of the images whose true annotation names a side (location, severity): how often the generated one names the same. */
  sideAccuracy?: number;
  locationAccuracy?: number;
  severityAccuracy?: number;
  examples: Array<{ truth: string[]; generated: string[] }>;
}

/**
 * Generated annotations against the truth: each image's first word is its predicted class's first word (the
 * paper's rule), the decoder writes the rest; BLEU-1…4 over the corpus, and side, location and severity agreement
 * where the truth states them.
 */
export function evaluateAnnotations(
  decoder: RnnDecoder,
  vocabulary: Vocabulary,
  embeddings: tf.Tensor2D,
  firstWords: number[],
  truths: string[][],
  maxWords: number,
): AnnotationReport {
  const generated = decoder.greedy(embeddings, firstWords, vocabulary.end, maxWords).map((s) => vocabulary.decode(s));
  const bleu = corpusBleu(
    generated,
    truths.map((t) => [t]),
  );
  const agreement = (words: ReadonlySet<string>) => {
    let stated = 0;
    let agreed = 0;
    truths.forEach((truth, i) => {
      const expected = truth.filter((w) => words.has(w));
      if (expected.length === 0) return;
      stated++;
      const got = new Set((generated[i] as string[]).filter((w) => words.has(w)));
      if (expected.every((w) => got.has(w)) && got.size === new Set(expected).size) agreed++;
    });
    return stated === 0 ? undefined : agreed / stated;
  };
  return {
    ...bleu,
    images: truths.length,
    sideAccuracy: agreement(SIDE_WORDS),
    locationAccuracy: agreement(LOCATION_WORDS),
    severityAccuracy: agreement(SEVERITY_WORDS),
    examples: truths.slice(0, 10).map((truth, i) => ({ truth, generated: generated[i] as string[] })),
  };
}

/** Each class's first word: the most frequent first word of its training annotations. */
export function classFirstWords(
  classes: string[],
  examples: Array<{ className: string; sequence: string[] }>,
  vocabulary: Vocabulary,
): number[] {
  return classes.map((name) => {
    const counts = new Map<string, number>();
    for (const e of examples)
      if (e.className === name && e.sequence[0] !== undefined)
        counts.set(e.sequence[0], (counts.get(e.sequence[0]) ?? 0) + 1);
    const best = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
    return best === undefined ? vocabulary.end : vocabulary.index(best);
  });
}
