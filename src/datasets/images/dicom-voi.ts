/**
 * DICOM display values (PS3.3 C.11): the modality rescale, then the VOI transform chosen from what the file holds,
 * then MONOCHROME1's inversion. Output in [0, 1], 0 = black.
 */

/** A VOI LUT (0028,3010): LUT Descriptor (entries, first mapped value, bits) and its data. */
export interface VoiLut {
  firstMapped: number;
  bits: number;
  data: ArrayLike<number>;
}

export interface VoiWindow {
  centre: number;
  width: number;
  /** VOI LUT Function (0028,1056); LINEAR when absent. */
  shape: 'LINEAR' | 'LINEAR_EXACT' | 'SIGMOID';
}

export interface VoiParameters {
  slope: number;
  intercept: number;
  lut?: VoiLut;
  window?: VoiWindow;
  /** The stored sample range: what an image without a LUT or window spans. */
  bitsStored: number;
  signed: boolean;
  /** MONOCHROME1 (0 = white), with a Presentation LUT Shape of INVERSE flipping it once more. */
  invert: boolean;
}

/**
 * The robust window of an image without a VOI: the 0.5th and 99.5th percentiles (nearest rank) of its modality
 * values, the clipping nnU-Net and most DICOM-to-PNG exports use, so a few extreme pixels (burned-in labels, dead
 * detector elements, collimated borders) do not set the contrast.
 */
export const PERCENTILE_WINDOW = [0.5, 99.5] as const;

export type VoiChoice = 'lut' | 'window' | 'stored-range' | 'percentile';

/**
 * Stored grey values (overwritten) to display values in [0, 1]. The VOI is, in this order: the first VOI LUT,
 * the first window centre/width, and for an image that has neither, its stored range when it has at most 8 bits
 * stored (such values are display values already: the PNG export of the image is the same bytes), else the
 * robust percentile window (PERCENTILE_WINDOW). Returns which was used.
 */
export function applyVoi(values: Float32Array, voi: VoiParameters): VoiChoice {
  const { slope, intercept } = voi;
  let choice: VoiChoice;
  if (voi.lut !== undefined) {
    choice = 'lut';
    const { data, firstMapped } = voi.lut;
    const top = data.length - 1;
    const scale = 1 / (2 ** voi.lut.bits - 1);
    for (let p = 0; p < values.length; p++) {
      const index = Math.round((values[p] as number) * slope + intercept) - firstMapped;
      values[p] = Math.min(1, (data[Math.min(top, Math.max(0, index))] as number) * scale);
    }
  } else if (voi.window !== undefined) {
    choice = 'window';
    applyWindow(values, voi.window, slope, intercept);
  } else {
    const [low, high] = voi.bitsStored <= 8 ? storedRange(voi) : percentiles(values, PERCENTILE_WINDOW);
    choice = voi.bitsStored <= 8 ? 'stored-range' : 'percentile';
    // A linear map of the stored values whose ends are `low` and `high` (the rescale is linear: no need for it).
    const range = high > low ? high - low : 1;
    for (let p = 0; p < values.length; p++) {
      values[p] = clamp01(((values[p] as number) - low) / range);
    }
    if (slope < 0) for (let p = 0; p < values.length; p++) values[p] = 1 - (values[p] as number);
  }
  if (voi.invert) for (let p = 0; p < values.length; p++) values[p] = 1 - (values[p] as number);
  return choice;
}

/** PS3.3 C.11.2.1.2 (LINEAR), C.11.2.1.3.2 (LINEAR_EXACT), C.11.2.1.3.1 (SIGMOID), on modality values. */
function applyWindow(values: Float32Array, window: VoiWindow, slope: number, intercept: number): void {
  const { centre, width, shape } = window;
  for (let p = 0; p < values.length; p++) {
    const x = (values[p] as number) * slope + intercept;
    let y: number;
    if (shape === 'SIGMOID') y = 1 / (1 + Math.exp((-4 * (x - centre)) / width));
    else if (shape === 'LINEAR_EXACT') y = (x - centre) / width + 0.5;
    else y = (x - (centre - 0.5)) / (width - 1) + 0.5;
    values[p] = clamp01(y);
  }
}

function clamp01(v: number): number {
  return Math.min(1, Math.max(0, v));
}

function storedRange({ bitsStored, signed }: VoiParameters): [number, number] {
  return signed ? [-(2 ** (bitsStored - 1)), 2 ** (bitsStored - 1) - 1] : [0, 2 ** bitsStored - 1];
}

/**
 * Nearest-rank percentiles of stored values (integers, or colour luma rounded to them) through a histogram: one
 * pass, no sort. An image of a few pixels gets its minimum and maximum.
 */
export function percentiles(
  values: Float32Array,
  [lowPercent, highPercent]: readonly [number, number],
): [number, number] {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let p = 0; p < values.length; p++) {
    const v = values[p] as number;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const offset = Math.round(min);
  const counts = new Uint32Array(Math.round(max) - offset + 1);
  for (let p = 0; p < values.length; p++) {
    const bin = Math.round(values[p] as number) - offset;
    counts[bin] = (counts[bin] as number) + 1;
  }
  const rank = (percent: number) => Math.max(1, Math.ceil((percent / 100) * values.length));
  const at = (wanted: number) => {
    let seen = 0;
    for (let i = 0; i < counts.length; i++) {
      seen += counts[i] as number;
      if (seen >= wanted) return i + offset;
    }
    return offset + counts.length - 1;
  };
  return [at(rank(lowPercent)), at(rank(highPercent))];
}
