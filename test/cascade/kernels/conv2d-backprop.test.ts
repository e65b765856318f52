import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/cascade/backend.js';
import { relativeError, seededValues } from '../../helpers/compare.js';

// The acceptance grid: strides 1/2, padding same/valid, kernels 1/3/5/7, dilation 1/2, odd and even inputs, batch 1/7.
interface Case {
  stride: number;
  pad: 'same' | 'valid';
  kernel: number;
  dilation: number;
  size: [number, number];
  batch: number;
}
const CASES: Case[] = [];
for (const stride of [1, 2])
  for (const pad of ['same', 'valid'] as const)
    for (const kernel of [1, 3, 5, 7])
      for (const dilation of [1, 2])
        for (const size of [
          [15, 17],
          [16, 14],
        ] as [number, number][])
          for (const batch of [1, 7]) CASES.push({ stride, pad, kernel, dilation, size, batch });

const IN_CHANNELS = 3;
const OUT_CHANNELS = 4;
const TOLERANCE = 1e-4;

function outputSize(c: Case): [number, number] {
  const reach = (c.kernel - 1) * c.dilation + 1;
  const along = (n: number) => (c.pad === 'same' ? Math.ceil(n / c.stride) : Math.floor((n - reach) / c.stride) + 1);
  return [along(c.size[0]), along(c.size[1])];
}

function tensor(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(
    seededValues(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    shape,
  );
}

/** tfjs's cpu kernels take no dilation: a dilated k-tap filter is the undilated (k−1)·d+1 filter with zeros between taps. */
function spreadFilter(filter: tf.Tensor, dilation: number): tf.Tensor {
  if (dilation === 1) return filter;
  const [kh, kw, ci, co] = filter.shape as number[] as [number, number, number, number];
  const values = filter.dataSync();
  const bigH = (kh - 1) * dilation + 1;
  const bigW = (kw - 1) * dilation + 1;
  const big = new Float32Array(bigH * bigW * ci * co);
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++)
      for (let k = 0; k < ci * co; k++)
        big[(i * dilation * bigW + j * dilation) * ci * co + k] = values[(i * kw + j) * ci * co + k] as number;
  return tf.tensor(big, [bigH, bigW, ci, co]);
}

function takeDilatedTaps(bigGradient: tf.Tensor, kernel: number, dilation: number): tf.Tensor {
  if (dilation === 1) return bigGradient;
  return tf.stridedSlice(
    bigGradient,
    [0, 0, 0, 0],
    [(kernel - 1) * dilation + 1, (kernel - 1) * dilation + 1, IN_CHANNELS, OUT_CHANNELS],
    [dilation, dilation, 1, 1],
  );
}

function onBackend<T>(name: string, body: () => T): T {
  tf.setBackend(name);
  return tf.tidy(body as () => tf.TensorContainer) as T;
}

function label(c: Case): string {
  return `stride ${c.stride} ${c.pad} k${c.kernel} d${c.dilation} ${c.size.join('x')} batch ${c.batch}`;
}

describe('project convolution gradient kernels on wasm equal the cpu backend kernels', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('Conv2DBackpropFilter over the whole acceptance grid', () => {
    const worst: Array<[string, number]> = [];
    CASES.forEach((c, index) => {
      const [oh, ow] = outputSize(c);
      const x = tensor([c.batch, ...c.size, IN_CHANNELS], 2 * index + 1);
      const dy = tensor([c.batch, oh, ow, OUT_CHANNELS], 2 * index + 2);
      const filterShape = [c.kernel, c.kernel, IN_CHANNELS, OUT_CHANNELS];
      const actual = onBackend('wasm', () =>
        tf
          .engine()
          .runKernel(
            'Conv2DBackpropFilter',
            { x, dy },
            { strides: c.stride, pad: c.pad, dilations: c.dilation, filterShape, dataFormat: 'NHWC' },
          ),
      ) as tf.Tensor;
      const reach = (c.kernel - 1) * c.dilation + 1;
      const expected = onBackend('cpu', () => {
        const big = tf.engine().runKernel(
          'Conv2DBackpropFilter',
          { x, dy },
          {
            strides: c.stride,
            pad: c.pad,
            filterShape: [reach, reach, IN_CHANNELS, OUT_CHANNELS],
            dataFormat: 'NHWC',
          },
        ) as tf.Tensor;
        return takeDilatedTaps(big, c.kernel, c.dilation);
      }) as tf.Tensor;
      expect(actual.shape).toEqual(filterShape);
      worst.push([label(c), relativeError(actual, expected)]);
      tf.dispose([x, dy, actual, expected]);
    });
    tf.setBackend('wasm');
    expect(worst.filter(([, error]) => !(error <= TOLERANCE))).toEqual([]);
    expect(worst).toHaveLength(128);
  });

  it('Conv2DBackpropInput over the whole acceptance grid', () => {
    const worst: Array<[string, number]> = [];
    CASES.forEach((c, index) => {
      const [oh, ow] = outputSize(c);
      const inputShape = [c.batch, ...c.size, IN_CHANNELS];
      const dy = tensor([c.batch, oh, ow, OUT_CHANNELS], 3 * index + 1);
      const filter = tensor([c.kernel, c.kernel, IN_CHANNELS, OUT_CHANNELS], 3 * index + 2);
      const actual = onBackend('wasm', () =>
        tf
          .engine()
          .runKernel(
            'Conv2DBackpropInput',
            { dy, filter },
            { strides: c.stride, pad: c.pad, dilations: c.dilation, inputShape, dataFormat: 'NHWC' },
          ),
      ) as tf.Tensor;
      const expected = onBackend('cpu', () =>
        tf
          .engine()
          .runKernel(
            'Conv2DBackpropInput',
            { dy, filter: spreadFilter(filter, c.dilation) },
            { strides: c.stride, pad: c.pad, inputShape, dataFormat: 'NHWC' },
          ),
      ) as tf.Tensor;
      expect(actual.shape).toEqual(inputShape);
      worst.push([label(c), relativeError(actual, expected)]);
      tf.dispose([dy, filter, actual, expected]);
    });
    tf.setBackend('wasm');
    expect(worst.filter(([, error]) => !(error <= TOLERANCE))).toEqual([]);
    expect(worst).toHaveLength(128);
  });

  it('the gradient of tf.conv2d through the project kernels equals the cpu gradient', () => {
    const x = tensor([2, 9, 10, 3], 7);
    const w = tensor([3, 3, 3, 4], 8);
    const gradients = (backend: string) =>
      onBackend(backend, () =>
        tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf
            .conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')
            .square()
            .sum(),
        )([x, w]),
      );
    const [dxWasm, dwWasm] = gradients('wasm') as tf.Tensor[];
    const [dxCpu, dwCpu] = gradients('cpu') as tf.Tensor[];
    tf.setBackend('wasm');
    expect(relativeError(dxWasm as tf.Tensor, dxCpu as tf.Tensor)).toBeLessThan(TOLERANCE);
    expect(relativeError(dwWasm as tf.Tensor, dwCpu as tf.Tensor)).toBeLessThan(TOLERANCE);
    tf.dispose([x, w, dxWasm, dwWasm, dxCpu, dwCpu] as tf.Tensor[]);
  });

  it('leaves no tensor behind and refuses a dy of the wrong shape with a code', () => {
    const x = tensor([1, 8, 8, 3], 1);
    const dy = tensor([1, 8, 8, 4], 2);
    const before = tf.memory().numTensors;
    const buffersBefore = tf.engine().backend.numDataIds();
    tf.tidy(() => {
      tf.engine().runKernel(
        'Conv2DBackpropFilter',
        { x, dy },
        { strides: 1, pad: 'same', filterShape: [3, 3, 3, 4], dataFormat: 'NHWC' },
      );
      tf.engine().runKernel(
        'Conv2DBackpropInput',
        { dy, filter: tf.ones([3, 3, 3, 4]) },
        { strides: 1, pad: 'same', inputShape: [1, 8, 8, 3], dataFormat: 'NHWC' },
      );
      tf.engine().runKernel(
        'Conv2DBackpropFilter',
        { x, dy: dy.slice([0, 0, 0, 0], [1, 2, 2, 4]) },
        { strides: 2, pad: 'valid', dilations: 2, filterShape: [3, 3, 3, 4], dataFormat: 'NHWC' },
      );
    });
    // Backend buffers as well as engine tensors: a leaked intermediate inside a kernel shows only in the former.
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.engine().backend.numDataIds()).toBe(buffersBefore);
    expect(() =>
      tf
        .engine()
        .runKernel(
          'Conv2DBackpropFilter',
          { x, dy },
          { strides: 2, pad: 'same', filterShape: [3, 3, 3, 4], dataFormat: 'NHWC' },
        ),
    ).toThrow(expect.objectContaining({ code: 'KERNEL_UNSUPPORTED' }));
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.engine().backend.numDataIds()).toBe(buffersBefore);
    tf.dispose([x, dy]);
  });
});
