import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/cascade/backend.js';
import { relativeError, seededValues } from '../../helpers/compare.js';

function segmentSum(backend: string, x: tf.Tensor, ids: tf.Tensor, numSegments: number): tf.Tensor {
  tf.setBackend(backend);
  return tf.unsortedSegmentSum(x, ids as tf.Tensor1D, numSegments);
}

describe('project UnsortedSegmentSum on wasm equals the cpu backend kernel', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  const shapes: Array<{ rows: number; row: number[]; segments: number }> = [
    { rows: 1, row: [], segments: 1 },
    { rows: 7, row: [5], segments: 3 },
    { rows: 40, row: [2, 3], segments: 11 },
    { rows: 300, row: [16], segments: 50 },
  ];

  for (const [index, { rows, row, segments }] of shapes.entries()) {
    it(`float32 data [${rows}, ${row}] into ${segments} segments, repeated and out-of-range ids`, () => {
      const size = rows * row.reduce((a, b) => a * b, 1);
      const x = tf.tensor(seededValues(size, index + 1), [rows, ...row]);
      const ids = tf.tensor1d(
        Array.from({ length: rows }, (_, i) => (i % 5 === 4 ? segments + 2 : (i * 7) % segments)),
        'int32',
      );
      const actual = segmentSum('wasm', x, ids, segments);
      const expected = segmentSum('cpu', x, ids, segments);
      tf.setBackend('wasm');
      expect(actual.shape).toEqual([segments, ...row]);
      expect(relativeError(actual, expected)).toBeLessThan(1e-4);
      tf.dispose([x, ids, actual, expected]);
    });
  }

  it('int32 data sums exactly', () => {
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32');
    const ids = tf.tensor1d([1, 0, 1], 'int32');
    const actual = segmentSum('wasm', x, ids, 2);
    expect(actual.dtype).toBe('int32');
    expect(Array.from(actual.dataSync())).toEqual([3, 4, 6, 8]);
    tf.dispose([x, ids, actual]);
  });

  it('is the gradient of gather (an embedding lookup), with no tensor left behind', () => {
    const table = tf.tensor(seededValues(6 * 4, 9), [6, 4]);
    const ids = tf.tensor1d([0, 3, 3, 5, 0, 0], 'int32');
    const gradientOn = (backend: string) => {
      tf.setBackend(backend);
      return tf.grad((t: tf.Tensor) =>
        tf
          .gather(t, ids)
          .mul(tf.range(1, 25).reshape([6, 4]))
          .sum(),
      )(table);
    };
    const warm = gradientOn('wasm');
    const before = tf.memory().numTensors;
    const buffersBefore = tf.engine().backend.numDataIds();
    const actual = gradientOn('wasm');
    // Exactly one new tensor and one new backend buffer (the result): no intermediate is left behind.
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(tf.engine().backend.numDataIds()).toBe(buffersBefore + 1);
    const expected = gradientOn('cpu');
    tf.setBackend('wasm');
    expect(relativeError(actual, expected)).toBeLessThan(1e-4);
    // Row 0 was gathered three times (positions 0, 4, 5): its gradient is the sum of those weight rows.
    expect(Array.from(actual.dataSync().slice(0, 4))).toEqual([1 + 17 + 21, 2 + 18 + 22, 3 + 19 + 23, 4 + 20 + 24]);
    tf.dispose([warm, actual, expected]);
    tf.dispose([table, ids]);
  });
});
