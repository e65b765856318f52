import { z } from 'zod';

/**
 * The crops an image is read at (test-time augmentation): `centre`, the one centre crop; `shifts`, the centre and
 * the four crops shifted by half the decode margin left, right, up and down, whose outputs are averaged. Fixed
 * offsets, so a reading is deterministic, and the same in every runtime. Never a flip: laterality is a label.
 */
export const ViewsOption = z.enum(['centre', 'shifts']);
export type ViewsOption = z.output<typeof ViewsOption>;

/** A crop's top-left corner in the decoded image. */
export type CropOffset = [left: number, top: number];

/** The centre crop's offset: what a bundle without `preprocessing.views` is read at. */
export function centreOffset(size: number, crop: number): CropOffset {
  const middle = (size - crop) >> 1;
  return [middle, middle];
}

/** The offsets of a views option for images decoded at `size` and cropped to `crop` (centre first). */
export function viewOffsets(views: ViewsOption, size: number, crop: number): CropOffset[] {
  const centre = centreOffset(size, crop);
  if (views === 'centre') return [centre];
  const [middle] = centre;
  const far = size - crop;
  return [centre, [middle, 0], [0, middle], [far, middle], [middle, far]];
}

/**
 * Row-wise mean over views: `perView[v][n]` is image n's output at view v. One view is returned as it is, so a
 * bundle read at its centre crop alone gives exactly what it gave before views existed.
 */
export function meanOverViews(perView: ArrayLike<number>[][]): ArrayLike<number>[] {
  const [first] = perView;
  if (first === undefined) return [];
  if (perView.length === 1) return first;
  return first.map((row, n) => {
    const sum = new Float64Array(row.length);
    for (const view of perView) {
      const values = view[n] as ArrayLike<number>;
      for (let j = 0; j < sum.length; j++) sum[j] = (sum[j] as number) + (values[j] as number);
    }
    return Float32Array.from(sum, (value) => value / perView.length);
  });
}
