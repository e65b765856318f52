import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/cascade/backend.js';
import { seededValues } from '../helpers/compare.js';

const SIZE = 16;
const SAMPLES = 128;

/** Class = (which half of the image holds a bright blob) × (parity of a token): needs both the conv and the embedding. */
function generatedTask(): { images: tf.Tensor4D; tokens: tf.Tensor2D; labels: tf.Tensor2D } {
  const noise = seededValues(SAMPLES * SIZE * SIZE, 42);
  const pixels = new Float32Array(SAMPLES * SIZE * SIZE);
  const tokens = new Int32Array(SAMPLES);
  const classes = new Int32Array(SAMPLES);
  for (let n = 0; n < SAMPLES; n++) {
    const right = n % 2;
    const token = Math.floor(n / 2) % 8;
    tokens[n] = token;
    classes[n] = right * 2 + (token % 2);
    const centreX = right === 1 ? 11 : 4;
    const centreY = 4 + (n % 7);
    for (let y = 0; y < SIZE; y++)
      for (let x = 0; x < SIZE; x++) {
        const blob = (x - centreX) ** 2 + (y - centreY) ** 2 < 9 ? 1 : 0;
        const at = (n * SIZE + y) * SIZE + x;
        pixels[at] = blob + 0.2 * (noise[at] as number);
      }
  }
  return {
    images: tf.tensor4d(pixels, [SAMPLES, SIZE, SIZE, 1]),
    tokens: tf.tensor2d(tokens, [SAMPLES, 1], 'int32'),
    labels: tf.oneHot(tf.tensor1d(classes, 'int32'), 4).toFloat() as tf.Tensor2D,
  };
}

function smallModel(): tf.LayersModel {
  const image = tf.input({ shape: [SIZE, SIZE, 1] });
  const token = tf.input({ shape: [1], dtype: 'int32' });
  let x = tf.layers
    .conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', seed: 1 } as never)
    .apply(image) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  const embedded = tf.layers
    .flatten()
    .apply(tf.layers.embedding({ inputDim: 8, outputDim: 4 }).apply(token)) as tf.SymbolicTensor;
  let joint = tf.layers.concatenate().apply([x, embedded]) as tf.SymbolicTensor;
  joint = tf.layers.dropout({ rate: 0.1 }).apply(joint) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: 4, activation: 'softmax' }).apply(joint) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [image, token], outputs: output });
  model.compile({ optimizer: tf.train.adam(0.02), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

describe('a tf.layers model trains on wasm with the project kernels', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
    tf.setBackend('wasm');
  });

  it('fit() lowers the loss on a generated task, and fit()/predict() leak no tensor', async () => {
    const { images, tokens, labels } = generatedTask();
    const model = smallModel();
    const fitOptions = { batchSize: 16, shuffle: false, verbose: 0 } as const;
    const first = await model.fit([images, tokens], labels, { ...fitOptions, epochs: 1 });
    const before = tf.memory().numTensors;
    const buffersBefore = tf.engine().backend.numDataIds();
    const rest = await model.fit([images, tokens], labels, { ...fitOptions, epochs: 14 });
    tf.tidy(() => {
      model.predict([images, tokens]);
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.engine().backend.numDataIds()).toBe(buffersBefore);

    const firstLoss = first.history.loss?.[0] as number;
    const lastLoss = rest.history.loss?.at(-1) as number;
    expect(firstLoss).toBeGreaterThan(1.0); // about ln 4 = 1.39 at the start
    expect(lastLoss).toBeLessThan(firstLoss * 0.5);
    expect(rest.history.acc?.at(-1) as number).toBeGreaterThan(0.8);

    model.dispose();
    tf.dispose([images, tokens, labels]);
  });
});
