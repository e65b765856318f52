import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/cascade/backend.js';
import { RnnDecoder } from '../../../src/cascade/models/rnn.js';
import { clippedStep } from '../../../src/cascade/training/clip.js';
import { seededValues } from '../../helpers/compare.js';

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
      const beam = decoder.beam(second, 1, END, 5, 3);
      expect(beam).toEqual(SEQUENCES[1]);
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

  it('one-hot word input (the paper’s) also works', () => {
    const decoder = new RnnDecoder({ words: 'one-hot', vocabularySize: 7, embeddingSize: 16, units: 16 });
    const b = batch();
    const loss = tf.tidy(() => decoder.loss(b.embeddings, b.inputs, b.targets, b.mask).dataSync()[0] as number);
    expect(loss).toBeGreaterThan(0);
    expect(decoder.variables.some((v) => v.shape.join() === '7,64')).toBe(false);
    decoder.dispose();
    tf.dispose(Object.values(b));
  });
});
