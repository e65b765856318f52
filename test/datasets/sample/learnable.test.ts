import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/cascade/backend.js';
import { BatchNorm } from '../../../src/cascade/layers/batch-norm.js';
import type { Finding } from '../../../src/datasets/sample/findings.js';
import { renderRadiograph } from '../../../src/datasets/sample/radiograph.js';
import { Random } from '../../../src/random.js';

const SIZE = 64;
/** Findings and sides a classifier must tell apart from pixels alone (the reports are not used). */
const CLASSES: Array<{ name: string; findings: (r: Random) => Finding[] }> = [
  { name: 'normal', findings: () => [] },
  {
    name: 'effusion left',
    findings: (r) => [{ kind: 'effusion', side: 'left', severity: r.pick(['moderate', 'large']) }],
  },
  {
    name: 'effusion right',
    findings: (r) => [{ kind: 'effusion', side: 'right', severity: r.pick(['moderate', 'large']) }],
  },
  { name: 'cardiomegaly', findings: (r) => [{ kind: 'cardiomegaly', severity: r.pick(['moderate', 'severe']) }] },
  {
    name: 'pneumothorax right',
    findings: (r) => [{ kind: 'pneumothorax', side: 'right', severity: r.pick(['moderate', 'large']) }],
  },
];

function dataset(perClass: number, seed: number): { x: tf.Tensor4D; y: tf.Tensor2D; labels: number[] } {
  const pixels = new Float32Array(perClass * CLASSES.length * SIZE * SIZE);
  const labels: number[] = [];
  let n = 0;
  for (let i = 0; i < perClass; i++) {
    for (const [label, c] of CLASSES.entries()) {
      const random = new Random(seed * 100_003 + n);
      pixels.set(renderRadiograph(c.findings(random), random, SIZE), n * SIZE * SIZE);
      labels.push(label);
      n++;
    }
  }
  return tf.tidy(() => ({
    x: tf.tensor4d(pixels, [n, SIZE, SIZE, 1]).sub(0.4).mul(3) as tf.Tensor4D,
    y: tf.oneHot(tf.tensor1d(labels, 'int32'), CLASSES.length).toFloat() as tf.Tensor2D,
    labels,
  }));
}

/** Three conv blocks and a dense head over the whole 8×8 map: where a finding is (which side) stays visible. */
function classifier(): tf.LayersModel {
  const input = tf.input({ shape: [SIZE, SIZE, 1] });
  let x: tf.SymbolicTensor = input;
  for (const [block, filters] of [8, 16, 16].entries()) {
    x = tf.layers
      .conv2d({ filters, kernelSize: 3, padding: 'same', kernelInitializer: tf.initializers.heNormal({ seed: block }) })
      .apply(x) as tf.SymbolicTensor;
    x = new BatchNorm().apply(x) as tf.SymbolicTensor;
    x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
    x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  }
  x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ rate: 0.3 }).apply(x) as tf.SymbolicTensor;
  const output = tf.layers
    .dense({
      units: CLASSES.length,
      activation: 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 9 }),
    })
    .apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output });
  model.compile({ optimizer: tf.train.adam(0.003), loss: 'categoricalCrossentropy' });
  return model;
}

describe('the sample findings are learnable from pixels', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('a small CNN separates normal, left and right effusion, cardiomegaly and pneumothorax far above chance', async () => {
    const train = dataset(48, 1);
    const test = dataset(16, 2);
    const model = classifier();
    await model.fit(train.x, train.y, { epochs: 16, batchSize: 16, shuffle: true, verbose: 0 });
    const predicted = tf.tidy(() => Array.from((model.predict(test.x) as tf.Tensor).argMax(1).dataSync()));
    const accuracy = predicted.filter((p, i) => p === test.labels[i]).length / predicted.length;
    // Left and right effusion: the side must come from the image, not just "there is fluid".
    const effusions = test.labels
      .map((label, i) => [label, predicted[i]])
      .filter(([label]) => label === 1 || label === 2);
    const sideAccuracy = effusions.filter(([label, p]) => label === p).length / effusions.length;
    process.stderr.write(
      `sample learnability: accuracy ${accuracy.toFixed(2)} (chance 0.20), effusion side ${sideAccuracy.toFixed(2)}\n`,
    );
    expect(accuracy).toBeGreaterThan(0.7);
    expect(sideAccuracy).toBeGreaterThan(0.75);
    model.dispose();
    tf.dispose([train.x, train.y, test.x, test.y]);
  });
});
