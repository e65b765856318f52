import type { TensorInfo } from '@tensorflow/tfjs';
import type { KernelCalls } from './kernel-calls.js';

/** A window along one spatial axis: `length` positions starting at `start` (negative = zero padding before). */
export interface AxisWindow {
  start: number;
  length: number;
}

/**
 * Returns the NHWC tensor whose rows and columns are `x`'s rows `rows.start … rows.start + rows.length - 1`
 * (likewise columns), zero outside `x`. Cropping and padding in one step lets the convolution kernels state
 * exactly which input positions a transposed convolution reads, for any padding mode.
 */
export function spatialWindow(calls: KernelCalls, x: TensorInfo, rows: AxisWindow, cols: AxisWindow): TensorInfo {
  const [batch, height, width, channels] = x.shape as [number, number, number, number];
  const r = clampAxis(rows, height);
  const c = clampAxis(cols, width);
  let windowed = x;
  if (r.from > 0 || r.to < height || c.from > 0 || c.to < width) {
    windowed = calls.run(
      'Slice',
      { x },
      { begin: [0, r.from, c.from, 0], size: [batch, r.to - r.from, c.to - c.from, channels] },
    );
  }
  if (r.before > 0 || r.after > 0 || c.before > 0 || c.after > 0) {
    const paddings = [
      [0, 0],
      [r.before, r.after],
      [c.before, c.after],
      [0, 0],
    ];
    windowed = calls.run('PadV2', { x: windowed }, { paddings, constantValue: 0 });
  }
  return windowed;
}

function clampAxis(window: AxisWindow, size: number): { from: number; to: number; before: number; after: number } {
  const before = Math.min(window.length, Math.max(0, -window.start));
  const from = Math.min(Math.max(0, window.start), size);
  const to = Math.min(Math.max(from, window.start + window.length), size);
  return { from, to, before, after: window.length - before - (to - from) };
}
