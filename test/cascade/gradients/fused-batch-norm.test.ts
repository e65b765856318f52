import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/cascade/backend.js';
import { originalGradient } from '../../../src/cascade/gradients/project-gradients.js';
import { relativeError, seededValues } from '../../helpers/compare.js';

describe("project FusedBatchNorm gradient equals tfjs's own", () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`on ${backend}, for x, mean, variance, offset and scale`, async () => {
      await selectBackend(backend);
      const x = tf.tensor(seededValues(2 * 3 * 4 * 5, 1), [2, 3, 4, 5]);
      const mean = tf.tensor1d(seededValues(5, 2));
      const variance = tf.tensor1d(seededValues(5, 3)).abs().add(0.5);
      const offset = tf.tensor1d(seededValues(5, 4));
      const scale = tf.tensor1d(seededValues(5, 5)).add(1);
      const weights = tf.tensor(seededValues(2 * 3 * 4 * 5, 6), [2, 3, 4, 5]);
      const inputs = [x, mean, variance, offset, scale];
      const loss = (...t: tf.Tensor[]) =>
        tf
          .batchNorm(
            t[0] as tf.Tensor,
            t[1] as tf.Tensor1D,
            t[2] as tf.Tensor1D,
            t[3] as tf.Tensor1D,
            t[4] as tf.Tensor1D,
            1e-3,
          )
          .mul(weights)
          .sum();
      const ours = tf.grads(loss)(inputs);
      const project = tf.getGradient('FusedBatchNorm');
      tf.registerGradient(originalGradient('FusedBatchNorm') as tf.GradConfig);
      const theirs = tf.grads(loss)(inputs);
      tf.registerGradient(project as tf.GradConfig);
      expect(project?.gradFunc).not.toBe(originalGradient('FusedBatchNorm')?.gradFunc);
      ours.forEach((gradient, i) => {
        expect(gradient.shape).toEqual(theirs[i]?.shape);
        expect(relativeError(gradient, theirs[i] as tf.Tensor)).toBeLessThan(1e-5);
      });
      tf.dispose([...inputs, weights, ...ours, ...theirs]);
    });
  }
});
