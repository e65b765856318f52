import { describe, expect, it } from 'vitest';
import { resizeArea } from '../../../src/datasets/images/resize.js';
import { Random } from '../../../src/random.js';

const image = (width: number, height: number, values: number[]) => ({ width, height, data: Float32Array.from(values) });

describe('resizeArea', () => {
  it('averages whole blocks when the size divides', () => {
    const out = resizeArea(image(4, 4, [1, 3, 5, 7, 1, 3, 5, 7, 0, 0, 8, 8, 0, 4, 8, 8]), 2);
    expect(Array.from(out.data)).toEqual([2, 6, 1, 8]);
  });

  it('weights a partly covered pixel by its share', () => {
    // 3 → 2 across: output 0 covers [0, 1.5), output 1 covers [1.5, 3).
    const out = resizeArea(image(3, 3, [0, 3, 6, 0, 3, 6, 0, 3, 6]), 2);
    expect(Array.from(out.data)).toEqual([1, 5, 1, 5].map((v) => expect.closeTo(v, 6)));
  });

  it('keeps a constant image constant and the mean of any image (256 → 73, the sample default)', () => {
    const random = new Random(3);
    const values = Array.from({ length: 256 * 256 }, () => random.next());
    const out = resizeArea(image(256, 256, values), 73);
    expect(out.data.length).toBe(73 * 73);
    const mean = (data: ArrayLike<number>) => Array.from(data).reduce((s, v) => s + v, 0) / data.length;
    expect(mean(out.data)).toBeCloseTo(mean(values), 4);
    const flat = resizeArea(image(256, 200, new Array(256 * 200).fill(0.25)), 73);
    expect(Math.max(...flat.data.map((v) => Math.abs(v - 0.25)))).toBeLessThan(1e-6);
  });

  it('repeats pixels when enlarging, and copies at the same size', () => {
    expect(Array.from(resizeArea(image(2, 2, [1, 2, 3, 4]), 4).data)).toEqual([
      1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4,
    ]);
    expect(Array.from(resizeArea(image(2, 2, [1, 2, 3, 4]), 2).data)).toEqual([1, 2, 3, 4]);
  });
});
