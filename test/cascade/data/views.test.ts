import { describe, expect, it } from 'vitest';
import { viewPixels } from '../../../src/cascade/data/batches.js';
import { centreOffset, meanOverViews, viewOffsets } from '../../../src/cascade/data/views.js';

describe('views (test-time crops)', () => {
  it('centre is the one centre crop; shifts add four half-margin shifts inside the margin, centre first', () => {
    expect(viewOffsets('centre', 110, 96)).toEqual([[7, 7]]);
    const shifts = viewOffsets('shifts', 110, 96);
    expect(shifts).toEqual([
      [7, 7],
      [7, 0],
      [0, 7],
      [14, 7],
      [7, 14],
    ]);
    expect(centreOffset(73, 64)).toEqual([4, 4]);
  });

  it('a view is the crop at its offset, centred on 0', () => {
    const size = 4;
    const pixels = Float32Array.from({ length: size * size }, (_, i) => i / 16);
    const crop = viewPixels([pixels], size, 2, [1, 2]);
    expect(Array.from(crop)).toEqual([9, 10, 13, 14].map((i) => (i / 16 - 0.5) * 2));
  });

  it('averages each image over views; one view is returned as it is', () => {
    const one = [
      [1, 2],
      [3, 4],
    ];
    expect(meanOverViews([one])).toBe(one);
    const mean = meanOverViews([
      one,
      [
        [3, 4],
        [5, 10],
      ],
    ]);
    expect(mean.map((row) => Array.from(row))).toEqual([
      [2, 3],
      [4, 7],
    ]);
    expect(meanOverViews([])).toEqual([]);
  });
});
