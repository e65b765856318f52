import * as tf from '@tensorflow/tfjs';
import type { Random } from '../../random.js';
import { type Augmentation, augmentCrop } from './augment.js';
import type { TrainingExample } from './training-set.js';
import { type CropOffset, centreOffset } from './views.js';

/**
 * A [n, crop, crop, 1] batch cut from images decoded at `size`: random crops within the margin for training (the
 * paper's augmentation: 256 resized, 224 cropped), the centre crop otherwise; grey values centred on 0. With an
 * augmentation and a generator, each training crop is also rotated, zoomed and re-exposed (`augmentCrop`).
 */
export function imageBatch(
  examples: TrainingExample[],
  indices: number[],
  size: number,
  crop: number,
  random?: Random,
  augmentation?: Augmentation,
): tf.Tensor4D {
  const pixels = indices.map((index) => (examples[index] as TrainingExample).pixels);
  return tf.tensor4d(cropPixels(pixels, size, crop, random, augmentation), [indices.length, crop, crop, 1]);
}

/** A [n, crop, crop, 1] batch of the crops at one fixed offset (one view of test-time augmentation). */
export function viewBatch(
  examples: TrainingExample[],
  indices: number[],
  size: number,
  crop: number,
  offset: CropOffset,
): tf.Tensor4D {
  const pixels = indices.map((index) => (examples[index] as TrainingExample).pixels);
  return tf.tensor4d(viewPixels(pixels, size, crop, offset), [indices.length, crop, crop, 1]);
}

/** The crops at one fixed offset as one row-major array, centred on 0 (what every runtime is fed at inference). */
export function viewPixels(images: Float32Array[], size: number, crop: number, [left, top]: CropOffset): Float32Array {
  const data = new Float32Array(images.length * crop * crop);
  images.forEach((pixels, n) => {
    copyCrop(pixels, size, crop, left, top, data, n * crop * crop);
  });
  return data;
}

function copyCrop(
  pixels: Float32Array,
  size: number,
  crop: number,
  left: number,
  top: number,
  out: Float32Array,
  at: number,
): void {
  for (let y = 0; y < crop; y++) {
    const from = (top + y) * size + left;
    const to = at + y * crop;
    for (let x = 0; x < crop; x++) out[to + x] = ((pixels[from + x] as number) - 0.5) * 2;
  }
}

/**
 * The crops as one row-major array (n × crop × crop; with one grey channel this is NHWC and NCHW alike): what
 * every runtime is fed. Random crops within the margin when given a generator (augmented when also given an
 * augmentation), else the centre crop: inference passes neither and always gets the same input.
 */
export function cropPixels(
  images: Float32Array[],
  size: number,
  crop: number,
  random?: Random,
  augmentation?: Augmentation,
): Float32Array {
  if (random === undefined) return viewPixels(images, size, crop, centreOffset(size, crop));
  const margin = size - crop;
  const data = new Float32Array(images.length * crop * crop);
  images.forEach((pixels, n) => {
    if (augmentation !== undefined) {
      augmentCrop(pixels, size, crop, augmentation, random, data, n * crop * crop);
      return;
    }
    const left = Math.floor(random.next() * (margin + 1));
    const top = Math.floor(random.next() * (margin + 1));
    copyCrop(pixels, size, crop, left, top, data, n * crop * crop);
  });
  return data;
}
