import * as tf from '@tensorflow/tfjs';
import { viewBatch } from '../data/batches.js';
import type { TrainingExample } from '../data/training-set.js';
import { type CropOffset, centreOffset } from '../data/views.js';
import type { Cnn } from '../models/cnn.js';

/** What the CNN reads in examples (centre crops): embeddings, class probabilities and finding probabilities. */
export interface Readout {
  embeddings: tf.Tensor2D;
  probabilities: number[][];
  /** One row per example; rows are empty when the CNN has no finding head. */
  findings: number[][];
}

/**
 * The CNN's readout of examples, one forward pass per batch of 64 and view: each output is the mean over the
 * views (`geometry.views`, default the centre crop alone), as annotation reads images.
 */
export function embedExamples(
  cnn: Cnn,
  examples: TrainingExample[],
  indices: number[],
  geometry: { size: number; crop: number; views?: CropOffset[] },
): Readout {
  const views = geometry.views ?? [centreOffset(geometry.size, geometry.crop)];
  const parts: tf.Tensor2D[] = [];
  const probabilities: number[][] = [];
  const findings: number[][] = [];
  for (let at = 0; at < indices.length; at += 64) {
    const slice = indices.slice(at, at + 64);
    const [embedding, probs, found] = tf.tidy(() => {
      const outputs = views.map(
        (offset) =>
          cnn.readout.predict(viewBatch(examples, slice, geometry.size, geometry.crop, offset)) as tf.Tensor2D[],
      );
      const mean = (k: number) => tf.addN(outputs.map((o) => o[k] as tf.Tensor2D)).div(views.length) as tf.Tensor2D;
      return [
        mean(0),
        mean(1).arraySync(),
        (outputs[0] as tf.Tensor2D[]).length < 3 ? slice.map(() => []) : mean(2).arraySync(),
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
