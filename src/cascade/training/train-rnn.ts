import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { Random } from '../../random.js';
import type { RnnDecoder } from '../models/rnn.js';
import type { Vocabulary } from '../vocabulary.js';
import { clippedStep } from './clip.js';
import { disposeOptimizer } from './optimizers.js';
import type { EpochStats } from './train-cnn.js';

export const RnnTrainingOptions = z.object({
  /** The paper: ~50 epochs, RMSprop lr 2e-3, gradient clip 5. */
  epochs: z.number().int().min(1).default(50),
  batchSize: z.number().int().min(1).default(32),
  learningRate: z.number().positive().default(2e-3),
  clip: z.number().positive().default(5),
  maxWords: z.number().int().min(1).default(5),
  seed: z.number().int().default(1),
});
export type RnnTrainingOptions = z.input<typeof RnnTrainingOptions>;

/** Teacher-forcing tensors: inputs are the words, targets the next words then the end token, masked to `steps`. */
export function teacherForcing(
  sequences: number[][],
  steps: number,
): { inputs: tf.Tensor2D; targets: tf.Tensor2D; mask: tf.Tensor2D } {
  const clipped = sequences.map((s) => s.slice(0, steps));
  return {
    inputs: tf.tensor2d(
      clipped.map((s) => Array.from({ length: steps }, (_, t) => s[t] ?? 0)),
      [clipped.length, steps],
      'int32',
    ),
    targets: tf.tensor2d(
      clipped.map((s) => Array.from({ length: steps }, (_, t) => s[t + 1] ?? 0)),
      [clipped.length, steps],
      'int32',
    ),
    mask: tf.tensor2d(
      clipped.map((s) => Array.from({ length: steps }, (_, t) => (t < s.length ? 1 : 0))),
      [clipped.length, steps],
    ),
  };
}

/** Trains the decoder on (CNN embedding, annotation words) pairs; the CNN itself stays fixed. */
export function trainRnn(
  decoder: RnnDecoder,
  embeddings: tf.Tensor2D,
  sequences: string[][],
  vocabulary: Vocabulary,
  input: RnnTrainingOptions = {},
  onEpoch?: (stats: EpochStats) => void,
): EpochStats[] {
  const options = RnnTrainingOptions.parse(input);
  const encoded = sequences.map((s) => vocabulary.encode(s));
  if (decoder.options.init === 'pca') decoder.setPcaInit(embeddings);
  const optimizer = tf.train.rmsprop(options.learningRate);
  const random = new Random(options.seed);
  const history: EpochStats[] = [];
  const started = performance.now();
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const order = random.permutation(encoded.length);
    let lossSum = 0;
    let batches = 0;
    for (let at = 0; at < order.length; at += options.batchSize) {
      const slice = order.slice(at, at + options.batchSize);
      const batch = teacherForcing(
        slice.map((i) => encoded[i] as number[]),
        options.maxWords,
      );
      const rows = tf.tidy(() => tf.gather(embeddings, tf.tensor1d(slice, 'int32'))) as tf.Tensor2D;
      lossSum += clippedStep(
        optimizer,
        decoder.trainableVariables,
        () => decoder.loss(rows, batch.inputs, batch.targets, batch.mask),
        options.clip,
      );
      tf.dispose([rows, batch.inputs, batch.targets, batch.mask]);
      batches++;
    }
    const seconds = (performance.now() - started) / 1000;
    const stats: EpochStats = {
      epoch: epoch + 1,
      epochs: options.epochs,
      loss: lossSum / Math.max(1, batches),
      images: order.length,
      imagesPerSecond: (order.length * (epoch + 1)) / seconds,
      secondsLeft: (seconds / (epoch + 1)) * (options.epochs - epoch - 1),
    };
    history.push(stats);
    onEpoch?.(stats);
  }
  disposeOptimizer(optimizer);
  return history;
}
