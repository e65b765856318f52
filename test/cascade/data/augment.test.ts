import { describe, expect, it } from 'vitest';
import { type Augmentation, AugmentOptions, augmentCrop, NO_AUGMENTATION } from '../../../src/cascade/data/augment.js';
import { cropPixels } from '../../../src/cascade/data/batches.js';
import { Random } from '../../../src/random.js';

const SIZE = 36;
const CROP = 32;

/** A `SIZE`² image from a function of the pixel's column and row. */
function image(value: (x: number, y: number) => number): Float32Array {
  const pixels = new Float32Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) pixels[y * SIZE + x] = value(x, y);
  return pixels;
}

function augmented(pixels: Float32Array, options: Partial<Augmentation>, seed: number): Float32Array {
  const out = new Float32Array(CROP * CROP);
  augmentCrop(pixels, SIZE, CROP, { ...NO_AUGMENTATION, ...options }, new Random(seed), out, 0);
  return out;
}

/** The output's gradient (per output pixel) at the crop centre, by central differences. */
function centreGradient(out: Float32Array): { gx: number; gy: number } {
  const c = CROP / 2;
  const at = (x: number, y: number) => out[y * CROP + x] as number;
  return { gx: (at(c + 2, c) - at(c - 2, c)) / 4, gy: (at(c, c + 2) - at(c, c - 2)) / 4 };
}

const mean = (values: Float32Array) => values.reduce((s, v) => s + v, 0) / values.length;
const seeds = Array.from({ length: 20 }, (_, i) => i + 1);
// A horizontal ramp, 0.01 of grey per pixel: the centred input ((v − 0.5) · 2) rises 0.02 per pixel.
const ramp = image((x) => 0.2 + 0.01 * x);

describe('augmentCrop', () => {
  it('with no transform at the centre is the centre crop that inference uses', () => {
    const pixels = image((x, y) => ((x * 7 + y * 13) % 17) / 16);
    const plain = cropPixels([pixels], SIZE, CROP);
    const out = augmented(pixels, {}, 1);
    for (let i = 0; i < out.length; i++) expect(out[i]).toBeCloseTo(plain[i] as number, 6);
  });

  it('defaults parse from one place and are all on', () => {
    const defaults = AugmentOptions.parse({});
    expect(defaults.randomCrop).toBe(true);
    for (const key of ['rotationDegrees', 'scale', 'brightness', 'contrast', 'gamma', 'noise'] as const) {
      expect(defaults[key]).toBeGreaterThan(0);
    }
    expect(() => AugmentOptions.parse({ rotationDegrees: -1 })).toThrow();
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const pixels = image((x, y) => (x * y) / (SIZE * SIZE));
    const options = AugmentOptions.parse({});
    expect(augmented(pixels, options, 7)).toEqual(augmented(pixels, options, 7));
    expect(augmented(pixels, options, 7)).not.toEqual(augmented(pixels, options, 8));
  });

  it('rotates by at most the configured degrees, keeping the gradient magnitude', () => {
    const angles = seeds.map((seed) => {
      const { gx, gy } = centreGradient(augmented(ramp, { rotationDegrees: 5 }, seed));
      expect(Math.hypot(gx, gy)).toBeCloseTo(0.02, 4);
      return (Math.atan2(gy, gx) * 180) / Math.PI;
    });
    expect(Math.max(...angles.map(Math.abs))).toBeLessThanOrEqual(5.01);
    expect(Math.max(...angles.map(Math.abs))).toBeGreaterThan(1);
  });

  it('zooms by a factor within 1 ± scale', () => {
    const zooms = seeds.map((seed) => {
      const { gx, gy } = centreGradient(augmented(ramp, { scale: 0.1 }, seed));
      expect(gy).toBeCloseTo(0, 6);
      // Magnified by z, the ramp rises 1/z as fast per output pixel.
      return 0.02 / gx;
    });
    expect(Math.min(...zooms)).toBeGreaterThanOrEqual(0.9 - 1e-4);
    expect(Math.max(...zooms)).toBeLessThanOrEqual(1.1 + 1e-4);
    expect(Math.max(...zooms) - Math.min(...zooms)).toBeGreaterThan(0.05);
  });

  it('never flips left and right: a bright left half stays on the left', () => {
    const leftBright = image((x) => (x < SIZE / 2 ? 0.8 : 0.2));
    const options = AugmentOptions.parse({});
    for (const seed of seeds) {
      const out = augmented(leftBright, options, seed);
      let left = 0;
      let right = 0;
      for (let y = 0; y < CROP; y++) {
        for (let x = 0; x < CROP; x++) {
          if (x < CROP / 2) left += out[y * CROP + x] as number;
          else right += out[y * CROP + x] as number;
        }
      }
      expect(left).toBeGreaterThan(right);
    }
  });

  it('samples inside the image: geometric transforms alone stay within its grey range', () => {
    const pixels = image((x, y) => 0.3 + (0.4 * ((x + 2 * y) % 5)) / 4);
    for (const seed of seeds) {
      const out = augmented(pixels, { randomCrop: true, rotationDegrees: 20, scale: 0.3 }, seed);
      // 0.3 … 0.7 centred is −0.4 … 0.4.
      expect(Math.min(...out)).toBeGreaterThanOrEqual(-0.4 - 1e-6);
      expect(Math.max(...out)).toBeLessThanOrEqual(0.4 + 1e-6);
    }
  });

  it('shifts brightness by at most ± brightness, the same over the crop', () => {
    const grey = image(() => 0.5);
    const shifts = seeds.map((seed) => {
      const out = augmented(grey, { brightness: 0.05 }, seed);
      expect(Math.max(...out) - Math.min(...out)).toBeCloseTo(0, 6);
      return (out[0] as number) / 2;
    });
    expect(Math.max(...shifts.map(Math.abs))).toBeLessThanOrEqual(0.05 + 1e-6);
    expect(Math.max(...shifts) - Math.min(...shifts)).toBeGreaterThan(0.02);
  });

  it('scales contrast about the mean by 1 ± contrast', () => {
    const halves = image((x) => (x < SIZE / 2 ? 0.4 : 0.6));
    for (const seed of seeds) {
      const out = augmented(halves, { contrast: 0.15 }, seed);
      // Centred, the halves are ∓0.2: their spread is 0.4 times the contrast factor; the mean stays 0.
      const spread = ((out[CROP - 1] as number) - (out[0] as number)) / 0.4;
      expect(spread).toBeGreaterThanOrEqual(0.85 - 1e-5);
      expect(spread).toBeLessThanOrEqual(1.15 + 1e-5);
      expect(mean(out)).toBeCloseTo(0, 5);
    }
  });

  it('applies gamma within exp(± gamma) to the grey values', () => {
    const grey = image(() => 0.25);
    for (const seed of seeds) {
      const value = ((augmented(grey, { gamma: 0.2 }, seed)[0] as number) / 2 + 0.5) as number;
      const gamma = Math.log(value) / Math.log(0.25);
      expect(gamma).toBeGreaterThanOrEqual(Math.exp(-0.2) - 1e-4);
      expect(gamma).toBeLessThanOrEqual(Math.exp(0.2) + 1e-4);
    }
  });

  it('adds zero-mean noise of the configured standard deviation', () => {
    const out = augmented(
      image(() => 0.5),
      { noise: 0.05 },
      3,
    );
    const m = mean(out);
    const sd = Math.sqrt(out.reduce((s, v) => s + (v - m) ** 2, 0) / out.length);
    // Centred values double the grey scale: sd 0.05 becomes 0.1.
    expect(m).toBeCloseTo(0, 1);
    expect(sd).toBeGreaterThan(0.09);
    expect(sd).toBeLessThan(0.11);
  });

  it('writes at the given offset and nowhere else', () => {
    const out = new Float32Array(3 * CROP * CROP).fill(7);
    augmentCrop(ramp, SIZE, CROP, AugmentOptions.parse({}), new Random(1), out, CROP * CROP);
    expect(out.subarray(0, CROP * CROP).every((v) => v === 7)).toBe(true);
    expect(out.subarray(2 * CROP * CROP).every((v) => v === 7)).toBe(true);
    expect(out.subarray(CROP * CROP, 2 * CROP * CROP).some((v) => v === 7)).toBe(false);
  });
});
