import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { AugmentOptions } from '../../../src/cascade/data/augment.js';
import { cropPixels, imageBatch } from '../../../src/cascade/data/batches.js';
import type { TrainingExample } from '../../../src/cascade/data/training-set.js';
import { Random } from '../../../src/random.js';

const SIZE = 6;
const CROP = 4;

function example(offset: number): TrainingExample {
  const pixels = Float32Array.from({ length: SIZE * SIZE }, (_, i) => ((i + offset) % 16) / 16);
  return {
    imageId: `image-${offset}`,
    split: 'train',
    className: 'normal',
    sequence: ['normal'],
    positives: [],
    uncertain: [],
    pixels,
  };
}

const examples = [example(0), example(5), example(9)];

describe('cropPixels', () => {
  it('without a generator is the centre crop, centred on 0 (what every annotator is fed)', () => {
    const [first] = examples as [TrainingExample];
    const data = cropPixels([first.pixels], SIZE, CROP);
    const expected = new Float32Array(CROP * CROP);
    for (let y = 0; y < CROP; y++) {
      for (let x = 0; x < CROP; x++) {
        expected[y * CROP + x] = ((first.pixels[(y + 1) * SIZE + x + 1] as number) - 0.5) * 2;
      }
    }
    expect(data).toEqual(expected);
  });

  it('ignores an augmentation without a generator: inference stays the centre crop', () => {
    const pixels = examples.map((e) => e.pixels);
    expect(cropPixels(pixels, SIZE, CROP, undefined, AugmentOptions.parse({}))).toEqual(cropPixels(pixels, SIZE, CROP));
  });

  it('with a generator alone draws the same integer crops as before the augmentation existed', () => {
    const pixels = examples.map((e) => e.pixels);
    const data = cropPixels(pixels, SIZE, CROP, new Random(4));
    const random = new Random(4);
    pixels.forEach((image, n) => {
      const left = Math.floor(random.next() * 3);
      const top = Math.floor(random.next() * 3);
      for (let y = 0; y < CROP; y++) {
        for (let x = 0; x < CROP; x++) {
          expect(data[(n * CROP + y) * CROP + x]).toBe(((image[(top + y) * SIZE + left + x] as number) - 0.5) * 2);
        }
      }
    });
  });
});

describe('imageBatch', () => {
  it('keeps its signature: a [n, crop, crop, 1] batch of the chosen examples', () => {
    const before = tf.memory().numTensors;
    const batch = imageBatch(examples, [2, 0], SIZE, CROP);
    expect(batch.shape).toEqual([2, CROP, CROP, 1]);
    expect(batch.dataSync()).toEqual(
      cropPixels([examples[2]?.pixels, examples[0]?.pixels] as Float32Array[], SIZE, CROP),
    );
    batch.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('augments training batches deterministically per seed when given an augmentation', () => {
    const before = tf.memory().numTensors;
    const augmentation = AugmentOptions.parse({});
    const a = imageBatch(examples, [0, 1, 2], SIZE, CROP, new Random(3), augmentation);
    const b = imageBatch(examples, [0, 1, 2], SIZE, CROP, new Random(3), augmentation);
    const plain = imageBatch(examples, [0, 1, 2], SIZE, CROP, new Random(3));
    expect(a.shape).toEqual([3, CROP, CROP, 1]);
    expect(a.dataSync()).toEqual(b.dataSync());
    expect(a.dataSync()).not.toEqual(plain.dataSync());
    tf.dispose([a, b, plain]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
