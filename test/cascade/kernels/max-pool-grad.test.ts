import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/cascade/backend.js';
import { relativeError, seededValues } from '../../helpers/compare.js';

interface Case {
  filter: number;
  stride: number;
  pad: 'same' | 'valid';
  size: [number, number];
  batch: number;
}
const CASES: Case[] = [];
for (const filter of [2, 3])
  for (const stride of [1, 2])
    for (const pad of ['same', 'valid'] as const)
      for (const size of [
        [9, 11],
        [8, 6],
      ] as [number, number][])
        for (const batch of [1, 3]) CASES.push({ filter, stride, pad, size, batch });

function gradientOn(backend: string, x: tf.Tensor4D, weights: tf.Tensor, c: Case): tf.Tensor {
  tf.setBackend(backend);
  return tf.grad((input: tf.Tensor) =>
    tf
      .maxPool(input as tf.Tensor4D, c.filter, c.stride, c.pad)
      .mul(weights)
      .sum(),
  )(x);
}

describe('project MaxPoolGrad on wasm equals the cpu backend kernel', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('over filters 2/3, strides 1/2, same/valid, odd and even sizes, batch 1/3, with ties', () => {
    const failures: string[] = [];
    CASES.forEach((c, index) => {
      // Small integers make ties common: the gradient must go to the first maximum, as in the cpu kernel.
      const values = Array.from(seededValues(c.batch * c.size[0] * c.size[1] * 4, index + 1), (v) => Math.round(v * 3));
      const x = tf.tensor4d(values, [c.batch, ...c.size, 4]);
      const outShape = tf.tidy(() => tf.maxPool(x, c.filter, c.stride, c.pad).shape);
      const weights = tf.tensor(
        seededValues(
          outShape.reduce((a, b) => a * b, 1),
          100 + index,
        ),
        outShape,
      );
      const actual = gradientOn('wasm', x, weights, c);
      const expected = gradientOn('cpu', x, weights, c);
      tf.setBackend('wasm');
      const error = relativeError(actual, expected);
      if (!(error <= 1e-6)) failures.push(`${JSON.stringify(c)}: ${error}`);
      tf.dispose([x, weights, actual, expected]);
    });
    expect(failures).toEqual([]);
  });

  it('leaves exactly one new buffer (its result) behind', () => {
    const x = tf.tensor4d(seededValues(2 * 8 * 8 * 3, 3), [2, 8, 8, 3]);
    const y = tf.maxPool(x, 2, 2, 'valid');
    const buffers = tf.engine().backend.numDataIds();
    const dx = tf
      .engine()
      .runKernel(
        'MaxPoolGrad',
        { dy: y, input: x, output: y },
        { filterSize: 2, strides: 2, pad: 'valid' },
      ) as tf.Tensor;
    expect(tf.engine().backend.numDataIds()).toBe(buffers + 1);
    expect(dx.shape).toEqual([2, 8, 8, 3]);
    // Every window's maximum receives its own value back (dy = y), everything else zero.
    expect(dx.sum().dataSync()[0]).toBeCloseTo(y.sum().dataSync()[0] as number, 4);
    tf.dispose([x, y, dx]);
  });
});

describe('project Identity on wasm', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('shares the buffer instead of copying, and the clone outlives the original', () => {
    const x = tf.tensor1d([1, 2, 3]);
    const buffers = tf.engine().backend.numDataIds();
    const clone = tf.clone(x);
    expect(tf.engine().backend.numDataIds()).toBe(buffers);
    x.dispose();
    expect(Array.from(clone.dataSync())).toEqual([1, 2, 3]);
    clone.dispose();
    expect(tf.engine().backend.numDataIds()).toBe(buffers - 1);
  });
});
