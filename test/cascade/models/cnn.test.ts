import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/cascade/backend.js';
import { createCnn } from '../../../src/cascade/models/cnn.js';
import { seededValues } from '../../helpers/compare.js';

describe('the cascade CNN', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  for (const architecture of ['nin', 'inception'] as const) {
    for (const pooling of ['global', 'pyramid'] as const) {
      it(`${architecture}, ${pooling} pooling: shapes, a training step, and no tensor left behind`, async () => {
        const cnn = createCnn({ architecture, pooling, inputSize: 64, classes: 5, width: 0.5 });
        const x = tf.tensor4d(seededValues(4 * 64 * 64, 3), [4, 64, 64, 1]);
        const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), 5).toFloat();
        const channels = cnn.embeddingSize / (pooling === 'global' ? 1 : 5);
        expect(Number.isInteger(channels)).toBe(true);
        cnn.classifier.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
        const first = (await cnn.classifier.trainOnBatch(x, y)) as number;
        const before = tf.memory().numTensors;
        let last = first;
        for (let i = 0; i < 5; i++) last = (await cnn.classifier.trainOnBatch(x, y)) as number;
        tf.tidy(() => {
          const probabilities = cnn.classifier.predict(x) as tf.Tensor;
          const embedding = cnn.embedder.predict(x) as tf.Tensor;
          expect(probabilities.shape).toEqual([4, 5]);
          expect(embedding.shape).toEqual([4, cnn.embeddingSize]);
          const sums = probabilities.sum(1).dataSync();
          for (const s of sums) expect(s).toBeCloseTo(1, 5);
        });
        expect(tf.memory().numTensors).toBe(before);
        expect(last).toBeLessThan(first);
        cnn.dispose();
        tf.dispose([x, y]);
      });
    }
  }

  it('reads embedding and probabilities in one pass, equal to embedder and classifier', () => {
    const cnn = createCnn({ inputSize: 32, classes: 3, width: 0.25, dropout: 0.5 });
    const before = tf.memory().numTensors;
    const x = tf.randomUniform([4, 32, 32, 1], 0, 1, 'float32', 7);
    const outputs = [
      ...(cnn.readout.predict(x) as tf.Tensor[]),
      cnn.embedder.predict(x) as tf.Tensor,
      cnn.classifier.predict(x) as tf.Tensor,
    ];
    const [embedding, probabilities, alone, classified] = outputs.map((t) => t.arraySync() as number[][]);
    tf.dispose([x, ...outputs]);
    expect(tf.memory().numTensors).toBe(before);
    expect(embedding).toEqual(alone);
    expect(probabilities).toEqual(classified);
    expect(probabilities?.[0]).toHaveLength(3);
    cnn.dispose();
  });

  it('shares its layers between classifier and embedder', () => {
    const cnn = createCnn({ inputSize: 32, classes: 3, width: 0.25 });
    const embedderWeights = new Set(cnn.embedder.weights.map((w) => w.name));
    const head = cnn.classifier.getLayer('classes').weights.map((w) => w.name);
    expect(head).toHaveLength(2);
    expect(cnn.classifier.weights.filter((w) => !embedderWeights.has(w.name)).map((w) => w.name)).toEqual(head);
    cnn.dispose();
  });
});
