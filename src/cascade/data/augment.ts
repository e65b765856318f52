import { z } from 'zod';
import type { Random } from '../../random.js';

/**
 * Training-time augmentation of a radiograph: where the crop is cut and how it is seen (a few degrees of rotation,
 * a little zoom, exposure). Never a horizontal flip: the side of a finding is part of its label. Ranges are
 * uniform and symmetric; zero turns a transform off.
 */
export const AugmentOptions = z.object({
  /** Random crop offsets within the decode margin (the paper's 256 → 224); off: the centre. */
  randomCrop: z.boolean().default(true),
  /** Rotation about the crop's centre, uniform in ± this many degrees. */
  rotationDegrees: z.number().min(0).max(45).default(5),
  /** Zoom factor uniform in 1 ± this (1.1 magnifies by 10%). */
  scale: z.number().min(0).max(0.5).default(0.1),
  /** Grey level added, uniform in ± this (grey values span 0 … 1). */
  brightness: z.number().min(0).max(1).default(0.05),
  /** Contrast about the crop's mean, factor uniform in 1 ± this. */
  contrast: z.number().min(0).max(0.9).default(0.15),
  /** Gamma exp(u), u uniform in ± this: v ↦ v^gamma on the 0 … 1 grey values (exposure curve). */
  gamma: z.number().min(0).max(1).default(0.2),
  /** Standard deviation of per-pixel Gaussian noise, in grey units. */
  noise: z.number().min(0).max(0.5).default(0.02),
});
export type AugmentOptions = z.input<typeof AugmentOptions>;
export type Augmentation = z.output<typeof AugmentOptions>;

/** No transform at all: `augmentCrop` with it and the centre offset is the plain centre crop. */
export const NO_AUGMENTATION: Augmentation = {
  randomCrop: false,
  rotationDegrees: 0,
  scale: 0,
  brightness: 0,
  contrast: 0,
  gamma: 0,
  noise: 0,
};

/**
 * One image (`size`² grey values in 0 … 1) to a `crop`² training input written at `out[at …]`, centred on 0 like
 * every model input ((v − 0.5) · 2). The crop window is rotated and zoomed about its centre and sampled bilinearly
 * (edges replicated); then gamma, contrast, brightness and noise. Every draw comes from `random`, in a fixed order.
 */
export function augmentCrop(
  pixels: Float32Array,
  size: number,
  crop: number,
  options: Augmentation,
  random: Random,
  out: Float32Array,
  at: number,
): void {
  const margin = size - crop;
  const left = options.randomCrop ? Math.floor(random.next() * (margin + 1)) : margin >> 1;
  const top = options.randomCrop ? Math.floor(random.next() * (margin + 1)) : margin >> 1;
  const angle = (random.uniform(-1, 1) * options.rotationDegrees * Math.PI) / 180;
  const zoom = 1 + random.uniform(-1, 1) * options.scale;
  const gamma = Math.exp(random.uniform(-1, 1) * options.gamma);
  const contrast = 1 + random.uniform(-1, 1) * options.contrast;
  const brightness = random.uniform(-1, 1) * options.brightness;
  // Output offset (dx, dy) from the crop centre reads the source at centre + R(angle) · (dx, dy) / zoom.
  const cos = Math.cos(angle) / zoom;
  const sin = Math.sin(angle) / zoom;
  const half = crop / 2;
  // In source pixel-index coordinates (pixel i covers i … i + 1, its value sits at i + 0.5).
  const centreX = left + half - 0.5;
  const centreY = top + half - 0.5;
  const last = size - 1;
  const curve = gamma === 1 ? undefined : gammaCurve(gamma);
  let sum = 0;
  for (let y = 0; y < crop; y++) {
    const dy = y + 0.5 - half;
    for (let x = 0; x < crop; x++) {
      const dx = x + 0.5 - half;
      const u = Math.min(last, Math.max(0, centreX + cos * dx - sin * dy));
      const v = Math.min(last, Math.max(0, centreY + sin * dx + cos * dy));
      const x0 = Math.floor(u);
      const y0 = Math.floor(v);
      const x1 = x0 < last ? x0 + 1 : x0;
      const y1 = y0 < last ? y0 + 1 : y0;
      const fx = u - x0;
      const fy = v - y0;
      const row0 = y0 * size;
      const row1 = y1 * size;
      const upper = (pixels[row0 + x0] as number) * (1 - fx) + (pixels[row0 + x1] as number) * fx;
      const lower = (pixels[row1 + x0] as number) * (1 - fx) + (pixels[row1 + x1] as number) * fx;
      const sampled = upper * (1 - fy) + lower * fy;
      const value = curve === undefined ? sampled : onCurve(curve, sampled);
      out[at + y * crop + x] = value;
      sum += value;
    }
  }
  const mean = sum / (crop * crop);
  const end = at + crop * crop;
  for (let i = at; i < end; i++) {
    let value = ((out[i] as number) - mean) * contrast + mean + brightness;
    if (options.noise > 0) value += random.normal(0, options.noise);
    out[i] = (value - 0.5) * 2;
  }
}

/** Steps of the gamma table: interpolating it is within 0.01 of v^gamma near black and far closer elsewhere. */
const CURVE_STEPS = 256;

/** v^gamma at CURVE_STEPS + 1 points of 0 … 1: a power per pixel costs ten times the rest of the transform. */
function gammaCurve(gamma: number): Float32Array {
  return Float32Array.from({ length: CURVE_STEPS + 1 }, (_, i) => (i / CURVE_STEPS) ** gamma);
}

function onCurve(curve: Float32Array, value: number): number {
  const position = Math.min(CURVE_STEPS, Math.max(0, value * CURVE_STEPS));
  const below = Math.min(CURVE_STEPS - 1, Math.floor(position));
  const low = curve[below] as number;
  return low + ((curve[below + 1] as number) - low) * (position - below);
}
