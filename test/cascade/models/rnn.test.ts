import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/cascade/backend.js';
import { RnnDecoder } from '../../../src/cascade/models/rnn.js';
import { clippedStep } from '../../../src/cascade/training/clip.js';
import { seededValues } from '../../helpers/compare.js';
import { randomDecoder } from '../../helpers/random-decoder.js';

// Vocabulary: 0 <end>, 1 effusion, 2 left, 3 right, 4 small, 5 large, 6 normal.
const END = 0;
const SEQUENCES = [[1, 2, 4], [1, 3, 5], [6]];

/** Teacher forcing: inputs are the words, targets the next words then <end>, padded and masked to 3 steps. */
function batch() {
  const steps = 3;
  const inputs = SEQUENCES.map((s) => Array.from({ length: steps }, (_, t) => s[t] ?? END));
  const targets = SEQUENCES.map((s) => Array.from({ length: steps }, (_, t) => s[t + 1] ?? END));
  const mask = SEQUENCES.map((s) => Array.from({ length: steps }, (_, t) => (t < s.length ? 1 : 0)));
  return {
    embeddings: tf.tensor2d(seededValues(3 * 16, 4), [3, 16]),
    inputs: tf.tensor2d(inputs, [3, steps], 'int32'),
    targets: tf.tensor2d(targets, [3, steps], 'int32'),
    mask: tf.tensor2d(mask, [3, steps]),
  };
}

/**
 * A sequence's log-probability by teacher forcing (the training loss, an independent path): each word after the
 * first, and the end token when it ended before `maxWords` words (and `withEnd`).
 */
function logProbability(
  decoder: RnnDecoder,
  embedding: tf.Tensor2D,
  words: number[],
  maxWords: number,
  withEnd = true,
): number {
  const ended = withEnd && words.length < maxWords;
  const steps = ended ? words.length : words.length - 1;
  if (steps === 0) return 0;
  return tf.tidy(() => {
    const inputs = tf.tensor2d([words.slice(0, words.length)], [1, words.length], 'int32');
    const targets = tf.tensor2d([[...words.slice(1), END]], [1, words.length], 'int32');
    const mask = tf.tensor2d([words.map((_, t) => (t < steps ? 1 : 0))], [1, words.length]);
    return -(decoder.loss(embedding, inputs, targets, mask).dataSync()[0] as number) * steps;
  });
}

describe('the RNN annotation decoder', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  for (const cell of ['gru', 'lstm'] as const) {
    it(`${cell}: learns to continue each image's first word, greedy and beam agree, no tensor left behind`, () => {
      const decoder = new RnnDecoder({ cell, layers: 2, units: 32, vocabularySize: 7, embeddingSize: 16, seed: 3 });
      const b = batch();
      const optimizer = tf.train.rmsprop(0.01);
      const first = clippedStep(
        optimizer,
        decoder.variables,
        () => decoder.loss(b.embeddings, b.inputs, b.targets, b.mask),
        5,
      );
      let last = first;
      for (let i = 0; i < 120; i++)
        last = clippedStep(
          optimizer,
          decoder.variables,
          () => decoder.loss(b.embeddings, b.inputs, b.targets, b.mask),
          5,
        );
      expect(first).toBeGreaterThan(1);
      expect(last).toBeLessThan(0.1);

      const second = b.embeddings.slice([1, 0], [1, 16]) as tf.Tensor2D;
      const before = tf.memory().numTensors;
      const greedy = decoder.greedy(b.embeddings, [1, 1, 6], END, 5);
      expect(greedy).toEqual(SEQUENCES);
      const beam = decoder.beamScored(second, [1], END, 5, 3);
      expect(beam.map((b) => b.words)).toEqual([SEQUENCES[1]]);
      tf.tidy(() => {
        const context = decoder.jointContext(b.embeddings, b.inputs, b.mask);
        expect(context.shape).toEqual([3, 32]);
        expect(decoder.topStates(b.embeddings, b.inputs).shape).toEqual([3, 3, 32]);
      });
      expect(tf.memory().numTensors).toBe(before);
      second.dispose();
      decoder.dispose();
      optimizer.dispose();
      tf.dispose(Object.values(b));
    });
  }

  it('beam search: width 1 is greedy exactly, a wider beam finds a more probable annotation, no tensor left', () => {
    const decoder = randomDecoder();
    const embeddings = tf.tensor2d(seededValues(16 * 12, 100), [16, 12]);
    const firstWords = Array.from({ length: 16 }, (_, i) => 1 + (i % 8));
    const before = tf.memory().numTensors;
    const greedy = decoder.greedyScored(embeddings, firstWords, END, 6);
    expect(decoder.beamScored(embeddings, firstWords, END, 6, 1)).toEqual(greedy);
    const wide = decoder.beamScored(embeddings, firstWords, END, 6, 3);
    expect(tf.memory().numTensors).toBe(before);
    expect(wide.length).toBe(16);
    const gains = wide.map((b, i) => {
      const e = embeddings.slice([i, 0], [1, 12]) as tf.Tensor2D;
      const gain = logProbability(decoder, e, b.words, 6) - logProbability(decoder, e, greedy[i]?.words ?? [], 6);
      e.dispose();
      return gain;
    });
    // Beam search is not bound to beat greedy on every image, but here it does on some, and by a margin.
    expect(Math.max(...gains)).toBeGreaterThan(0.5);
    expect(gains.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    // Each word's probability is the one its step gave it: the product of them and the end is the sequence's.
    for (const [i, b] of wide.entries()) {
      expect(b.probabilities.length).toBe(b.words.length - 1);
      const e = embeddings.slice([i, 0], [1, 12]) as tf.Tensor2D;
      const words = logProbability(decoder, e, b.words, 6, false);
      expect(Math.abs(words - b.probabilities.reduce((sum, p) => sum + Math.log(p), 0))).toBeLessThan(1e-4);
      e.dispose();
    }
    embeddings.dispose();
    decoder.dispose();
  });

  it('one-hot word input (the paper’s): no word-embedding matrix, starts near uniform, learns the sequences', () => {
    const decoder = new RnnDecoder({ words: 'one-hot', vocabularySize: 7, embeddingSize: 16, units: 16, seed: 5 });
    const b = batch();
    expect(decoder.variables.some((v) => v.shape.join() === '7,64')).toBe(false);
    const optimizer = tf.train.rmsprop(0.01);
    const loss = () => decoder.loss(b.embeddings, b.inputs, b.targets, b.mask);
    const first = clippedStep(optimizer, decoder.variables, loss, 5);
    // An untrained decoder spreads its probability over the 7 words: cross-entropy near ln 7 ≈ 1.95.
    expect(Math.abs(first - Math.log(7))).toBeLessThan(0.75);
    let last = first;
    for (let i = 0; i < 150; i++) last = clippedStep(optimizer, decoder.variables, loss, 5);
    expect(last).toBeLessThan(0.2);
    expect(decoder.greedy(b.embeddings, [1, 1, 6], END, 5)).toEqual(SEQUENCES);
    optimizer.dispose();
    decoder.dispose();
    tf.dispose(Object.values(b));
  });

  it("pca: the initial projection is the embeddings' whitened principal components, and training leaves it fixed", () => {
    // Embeddings of rank 3 in 12 dimensions: variance along three known directions, scaled 9, 4, 1.
    const n = 400;
    const latent = seededValues(n * 3, 11);
    const directions = [
      [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0],
    ];
    const scales = [3, 2, 1];
    const rows = Array.from({ length: n }, (_, i) =>
      Array.from({ length: 12 }, (_, j) =>
        [0, 1, 2].reduce(
          (sum, d) =>
            sum + (scales[d] as number) * (latent[i * 3 + d] as number) * ((directions[d] as number[])[j] as number),
          5,
        ),
      ),
    );
    const embeddings = tf.tensor2d(rows);
    const decoder = new RnnDecoder({ layers: 2, units: 4, vocabularySize: 7, embeddingSize: 12, init: 'pca', seed: 2 });
    const before = tf.memory().numTensors;
    decoder.setPcaInit(embeddings);
    expect(tf.memory().numTensors).toBe(before);
    const [, , , , kernel, bias] = decoder.variables.map((v) => v.arraySync()); // words, input, recurrent, bias, init…
    const projected = tf.tidy(() =>
      embeddings.matMul(decoder.variables[4] as tf.Tensor2D).add(decoder.variables[5] as tf.Tensor1D),
    );
    const mean = projected.mean(0).arraySync() as number[];
    const variance = projected.sub(projected.mean(0)).square().mean(0).arraySync() as number[];
    for (const m of mean) expect(Math.abs(m)).toBeLessThan(1e-3);
    for (const v of variance.slice(0, 3)) expect(v).toBeCloseTo(1, 1);
    expect(variance[3]).toBeLessThan(1e-6); // the data has rank 3: the fourth unit gets nothing, not noise
    // Component c lies along direction c (up to sign): its weight there dominates.
    const k = kernel as number[][];
    expect(Math.abs(k[0]?.[0] as number)).toBeGreaterThan(0.2);
    expect(Math.abs(k[3]?.[1] as number)).toBeGreaterThan(0.3);
    expect(Math.abs(k[10]?.[2] as number)).toBeGreaterThan(0.7);
    expect(decoder.trainableVariables).not.toContain(decoder.variables[4]);
    expect(decoder.trainableVariables.length).toBe(decoder.variables.length - 4);
    expect(bias).toBeDefined();
    tf.dispose([embeddings, projected]);
    decoder.dispose();
  });
});
