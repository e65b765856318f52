import * as tf from '@tensorflow/tfjs';
import { imageBatch } from '../data/batches.js';
import type { TrainingExample } from '../data/training-set.js';
import type { Cnn } from '../models/cnn.js';

/** The CNN's pooled embeddings and class probabilities for examples (centre crops), computed in batches. */
export function embedExamples(
  cnn: Cnn,
  examples: TrainingExample[],
  indices: number[],
  geometry: { size: number; crop: number },
): { embeddings: tf.Tensor2D; probabilities: number[][] } {
  const parts: tf.Tensor2D[] = [];
  const probabilities: number[][] = [];
  for (let at = 0; at < indices.length; at += 64) {
    const slice = indices.slice(at, at + 64);
    const [embedding, probs] = tf.tidy(() => {
      const x = imageBatch(examples, slice, geometry.size, geometry.crop);
      const [embedding, probs] = cnn.readout.predict(x) as [tf.Tensor2D, tf.Tensor2D];
      return [embedding, probs.arraySync() as number[][]] as const;
    });
    parts.push(embedding);
    probabilities.push(...probs);
  }
  const embeddings = tf.tidy(() =>
    parts.length === 1 ? (parts[0] as tf.Tensor2D).clone() : tf.concat(parts, 0),
  ) as tf.Tensor2D;
  tf.dispose(parts);
  return { embeddings, probabilities };
}
