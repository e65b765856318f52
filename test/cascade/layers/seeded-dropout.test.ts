import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/cascade/backend.js';
import { SeededDropout } from '../../../src/cascade/layers/seeded-dropout.js';
import { createCnn } from '../../../src/cascade/models/cnn.js';
import { trainCnn } from '../../../src/cascade/training/train-cnn.js';
import { seededValues } from '../../helpers/compare.js';

describe('SeededDropout', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('draws a new mask each training call, the same sequence for the same seed, and is the identity at inference', () => {
    const masks = (seed: number) => {
      const layer = new SeededDropout({ rate: 0.5, seed });
      const x = tf.ones([4, 50]);
      const out = [0, 1].map(() =>
        tf.tidy(() => Array.from((layer.apply(x, { training: true }) as tf.Tensor).dataSync())),
      );
      const inference = tf.tidy(() => Array.from((layer.apply(x, { training: false }) as tf.Tensor).dataSync()));
      x.dispose();
      return { out, inference };
    };
    const a = masks(3);
    const b = masks(3);
    expect(a.out).toEqual(b.out);
    expect(a.out[0]).not.toEqual(a.out[1]);
    expect(new Set(a.out[0])).toEqual(new Set([0, 2]));
    const kept = (a.out[0] as number[]).filter((v) => v > 0).length / 200;
    expect(kept).toBeGreaterThan(0.4);
    expect(kept).toBeLessThan(0.6);
    expect(a.inference.every((v) => v === 1)).toBe(true);
    expect(masks(4).out[0]).not.toEqual(a.out[0]);
  });

  it('makes CNN training deterministic for a seed, dropout included', async () => {
    const examples = Array.from({ length: 24 }, (_, i) => ({
      imageId: String(i),
      split: 'train' as const,
      className: ['normal', 'a', 'b'][i % 3] as string,
      sequence: ['x'],
      positives: [],
      uncertain: [],
      pixels: seededValues(40 * 40, i + 1),
    }));
    const weightsAfterTraining = async () => {
      const cnn = createCnn({ inputSize: 32, classes: 3, width: 0.25, dropout: 0.3, seed: 5 });
      await trainCnn(
        cnn,
        {
          examples,
          classIndex: new Map([
            ['normal', 0],
            ['a', 1],
            ['b', 2],
          ]),
          geometry: { size: 40, crop: 32 },
        },
        { epochs: 2, seed: 7 },
      );
      const values = cnn.classifier.getWeights().map((w) => Array.from(w.dataSync()));
      cnn.dispose();
      return values;
    };
    expect(await weightsAfterTraining()).toEqual(await weightsAfterTraining());
  });
});
