import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/cascade/backend.js';
import { BatchNorm, batchNormTraining } from '../../../src/cascade/layers/batch-norm.js';
import { relativeError, seededValues } from '../../helpers/compare.js';

const EPSILON = 1e-3;

/** The textbook composition tfjs-layers uses: moments, then batchNorm, differentiated by autodiff. */
function composed(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D): tf.Tensor {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  return tf.batchNorm(x, mean, variance, beta, gamma, EPSILON);
}

function fused(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D): tf.Tensor {
  const { output, mean, variance } = batchNormTraining(x, gamma, beta, EPSILON);
  tf.dispose([mean, variance]);
  return output;
}

describe('batchNormTraining', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  for (const backend of ['cpu', 'wasm']) {
    it(`on ${backend}: output and gradients (x, gamma, beta) equal autodiff through moments + batchNorm`, () => {
      tf.setBackend(backend);
      const x = tf
        .tensor(seededValues(3 * 5 * 4 * 6, 11), [3, 5, 4, 6])
        .mul(3)
        .add(1);
      const gamma = tf.tensor1d(seededValues(6, 12)).add(1.5) as tf.Tensor1D;
      const beta = tf.tensor1d(seededValues(6, 13)) as tf.Tensor1D;
      const weights = tf.tensor(seededValues(3 * 5 * 4 * 6, 14), [3, 5, 4, 6]);
      const loss = (f: typeof fused) => (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
        f(a, g as tf.Tensor1D, b as tf.Tensor1D)
          .mul(weights)
          .sum();
      const expected = tf.grads(loss(composed))([x, gamma, beta]);
      const before = tf.memory().numTensors;
      const actual = tf.grads(loss(fused))([x, gamma, beta]);
      expect(tf.memory().numTensors).toBe(before + 3);
      for (let i = 0; i < 3; i++) {
        expect(actual[i]?.shape).toEqual(expected[i]?.shape);
        expect(relativeError(actual[i] as tf.Tensor, expected[i] as tf.Tensor)).toBeLessThan(1e-4);
      }
      const outputs = tf.tidy(() => relativeError(fused(x, gamma, beta), composed(x, gamma, beta)));
      expect(outputs).toBeLessThan(1e-5);
      tf.dispose([x, gamma, beta, weights, ...expected, ...actual]);
    });
  }
});

describe('BatchNorm layer', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('matches tf.layers.batchNormalization in training and inference, moving averages included', async () => {
    const x = tf
      .tensor(seededValues(4 * 3 * 3 * 5, 21), [4, 3, 3, 5])
      .mul(2)
      .add(0.5);
    const ours = tf.sequential({
      layers: [tf.layers.inputLayer({ inputShape: [3, 3, 5] }), new BatchNorm({ momentum: 0.9 })],
    });
    const theirs = tf.sequential({
      layers: [tf.layers.inputLayer({ inputShape: [3, 3, 5] }), tf.layers.batchNormalization({ momentum: 0.9 })],
    });
    const target = tf.zeros([4, 3, 3, 5]);
    for (const model of [ours, theirs]) {
      model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
      await model.fit(x, target, { epochs: 3, batchSize: 4, shuffle: false, verbose: 0 });
    }
    const weightsOf = (model: tf.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));
    const [gammaA, betaA, meanA, varianceA] = weightsOf(ours);
    const [gammaB, betaB, meanB, varianceB] = weightsOf(theirs);
    for (const [a, b] of [
      [gammaA, gammaB],
      [betaA, betaB],
      [meanA, meanB],
      [varianceA, varianceB],
    ] as Array<[number[], number[]]>) {
      for (const [i, value] of a.entries()) expect(value).toBeCloseTo(b[i] as number, 5);
    }
    expect(meanA?.some((m) => Math.abs(m) > 0.05)).toBe(true); // the moving mean really moved
    const inference = tf.tidy(() => relativeError(ours.predict(x) as tf.Tensor, theirs.predict(x) as tf.Tensor));
    expect(inference).toBeLessThan(1e-5);
    ours.dispose();
    theirs.dispose();
    tf.dispose([x, target]);
  });

  it('survives serialisation: a saved and reloaded model predicts the same', async () => {
    const model = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [2, 2, 3] }), new BatchNorm()] });
    const x = tf.tensor(seededValues(2 * 2 * 2 * 3, 5), [2, 2, 2, 3]);
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts as tf.io.ModelArtifacts));
    expect(loaded.layers.at(-1)?.getClassName()).toBe('CxrBatchNorm');
    const difference = tf.tidy(() => relativeError(loaded.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor));
    expect(difference).toBe(0);
    model.dispose();
    loaded.dispose();
    x.dispose();
  });
});
