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
  const margin = size - crop;
  const data = new Float32Array(indices.length * crop * crop);
  indices.forEach((index, n) => {
    const pixels = (examples[index] as TrainingExample).pixels;
    const left = random === undefined ? margin >> 1 : Math.floor(random.next() * (margin + 1));
    const top = random === undefined ? margin >> 1 : Math.floor(random.next() * (margin + 1));
    for (let y = 0; y < crop; y++) {
      const from = (top + y) * size + left;
      const to = (n * crop + y) * crop;
      for (let x = 0; x < crop; x++) data[to + x] = ((pixels[from + x] as number) - 0.5) * 2;
    }
  });
  return tf.tensor4d(data, [indices.length, crop, crop, 1]);
}
