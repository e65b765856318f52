import * as tf from '@tensorflow/tfjs';
import type { Random } from '../../random.js';
import type { TrainingExample } from './training-set.js';

/**
 * A [n, crop, crop, 1] batch cut from images decoded at `size`: random crops within the margin for training (the
 * paper's augmentation: 256 resized, 224 cropped), the centre crop otherwise; grey values centred on 0.
 */
export function imageBatch(
  examples: TrainingExample[],
  indices: number[],
  size: number,
  crop: number,
  random?: Random,
): tf.Tensor4D {
  const pixels = indices.map((index) => (examples[index] as TrainingExample).pixels);
  return tf.tensor4d(cropPixels(pixels, size, crop, random), [indices.length, crop, crop, 1]);
}

/**
 * The crops as one row-major array (n × crop × crop; with one grey channel this is NHWC and NCHW alike): what
 * every runtime is fed. Random crops within the margin when given a generator, else the centre crop.
 */
export function cropPixels(images: Float32Array[], size: number, crop: number, random?: Random): Float32Array {
  const margin = size - crop;
  const data = new Float32Array(images.length * crop * crop);
  images.forEach((pixels, n) => {
    const left = random === undefined ? margin >> 1 : Math.floor(random.next() * (margin + 1));
    const top = random === undefined ? margin >> 1 : Math.floor(random.next() * (margin + 1));
    for (let y = 0; y < crop; y++) {
      const from = (top + y) * size + left;
      const to = (n * crop + y) * crop;
      for (let x = 0; x < crop; x++) data[to + x] = ((pixels[from + x] as number) - 0.5) * 2;
    }
  });
  return data;
}
