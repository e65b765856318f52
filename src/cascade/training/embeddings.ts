import * as tf from '@tensorflow/tfjs';
import { imageBatch } from '../data/batches.js';
import type { TrainingExample } from '../data/training-set.js';
import type { Cnn } from '../models/cnn.js';

/** What the CNN reads in examples (centre crops): embeddings, class probabilities and finding probabilities. */
export interface Readout {
  embeddings: tf.Tensor2D;
  probabilities: number[][];
  /** One row per example; rows are empty when the CNN has no finding head. */
  findings: number[][];
}

/** The CNN's readout of examples, in one forward pass per batch of 64. */
export function embedExamples(
  cnn: Cnn,
  examples: TrainingExample[],
  indices: number[],
  geometry: { size: number; crop: number },
): Readout {
  const parts: tf.Tensor2D[] = [];
  const probabilities: number[][] = [];
  const findings: number[][] = [];
  for (let at = 0; at < indices.length; at += 64) {
    const slice = indices.slice(at, at + 64);
    const [embedding, probs, found] = tf.tidy(() => {
      const x = imageBatch(examples, slice, geometry.size, geometry.crop);
      const [embedding, probs, found] = cnn.readout.predict(x) as tf.Tensor2D[];
      return [
        embedding as tf.Tensor2D,
        (probs as tf.Tensor2D).arraySync(),
        found === undefined ? slice.map(() => []) : found.arraySync(),
      ] as const;
    });
    parts.push(embedding);
    probabilities.push(...probs);
    findings.push(...found);
  }
  const embeddings = tf.tidy(() =>
    parts.length === 0
      ? tf.zeros([0, cnn.embeddingSize])
      : parts.length === 1
        ? (parts[0] as tf.Tensor2D).clone()
        : tf.concat(parts, 0),
  ) as tf.Tensor2D;
  tf.dispose(parts);
  return { embeddings, probabilities, findings };
}
