import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/cascade/backend.js';
import { type CnnOptions, createCnn } from '../../../src/cascade/models/cnn.js';
import {
  exportCnnToOnnx,
  ONNX_EMBEDDING,
  ONNX_INPUT,
  ONNX_PROBABILITIES,
} from '../../../src/cascade/onnx/export-cnn.js';
import { seededValues } from '../../helpers/compare.js';

/** Every weight set to seeded values (batch-norm variances positive), so folding and layouts are really tested. */
function randomise(model: tf.LayersModel, seed: number): void {
  let s = seed;
  model.setWeights(
    model.getWeights().map((w) => {
      const values = seededValues(w.size, s++).map((v) => v * 0.5);
      const isVariance = w.rank === 1 && model.weights.find((v) => v.shape.join() === w.shape.join()) !== undefined;
      return tf.tensor(isVariance ? values : values, w.shape);
    }),
  );
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'CxrBatchNorm') continue;
    const [gamma, beta, mean, variance] = layer.getWeights();
    layer.setWeights([
      gamma as tf.Tensor,
      beta as tf.Tensor,
      mean as tf.Tensor,
      tf.abs(variance as tf.Tensor).add(0.2),
    ]);
  }
}

const cases: Array<[string, CnnOptions]> = [
  ['NIN, pyramid pooling', { architecture: 'nin', inputSize: 48, classes: 5, width: 0.25, pooling: 'pyramid' }],
  ['NIN, global pooling', { architecture: 'nin', inputSize: 37, classes: 3, width: 0.25, pooling: 'global' }],
  [
    'inception, pyramid pooling',
    { architecture: 'inception', inputSize: 64, classes: 4, width: 0.25, pooling: 'pyramid' },
  ],
];

describe('ONNX export of the CNNs', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  for (const [name, options] of cases) {
    it(`${name}: ONNX Runtime gives the same probabilities and embeddings as TensorFlow.js (1e-4)`, async () => {
      const cnn = createCnn(options);
      randomise(cnn.classifier, 3);
      const layer = options.pooling === 'global' ? 'global_pool' : 'embedding';
      const bytes = exportCnnToOnnx(cnn.classifier, layer);
      const session = await ort.InferenceSession.create(bytes);
      const side = options.inputSize as number;
      const n = 3;
      const pixels = Float32Array.from(seededValues(n * side * side, 9));
      const [probabilities, embedding] = tf.tidy(() => {
        const x = tf.tensor4d(pixels, [n, side, side, 1]);
        const embedder = tf.model({
          inputs: cnn.classifier.inputs,
          outputs: cnn.classifier.getLayer(layer).output as tf.SymbolicTensor,
        });
        return [(cnn.classifier.predict(x) as tf.Tensor).dataSync(), (embedder.predict(x) as tf.Tensor).dataSync()];
      });
      // One grey channel: NHWC and NCHW hold the same values in the same order.
      const result = await session.run({ [ONNX_INPUT]: new ort.Tensor('float32', pixels, [n, 1, side, side]) });
      const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
        expect(a.length).toBe(b.length);
        let max = 0;
        for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
        return max;
      };
      expect(result[ONNX_PROBABILITIES]?.dims).toEqual([n, options.classes]);
      expect(maxDiff(result[ONNX_PROBABILITIES]?.data as Float32Array, probabilities as Float32Array)).toBeLessThan(
        1e-4,
      );
      expect(maxDiff(result[ONNX_EMBEDDING]?.data as Float32Array, embedding as Float32Array)).toBeLessThan(1e-4);
      await session.release();
      cnn.dispose();
    });
  }
});
