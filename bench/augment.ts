/**
 * Cost per training image of the augmentation (`augmentCrop`, every transform on at its defaults) beside the plain
 * random crop it replaces, measured in the same run at each CNN input size (decoded at size × 256/224).
 * `npx tsx bench/augment.ts`
 */
import { AugmentOptions } from '../src/cascade/data/augment.js';
import { cropPixels } from '../src/cascade/data/batches.js';
import { Random } from '../src/random.js';

const images = 256;
const augmentation = AugmentOptions.parse({});
console.log('| input | decoded | plain random crop µs/image | augmented µs/image | ratio |\n|---|---|---|---|---|');
for (const crop of [64, 96, 128, 224]) {
  const size = Math.round((crop * 256) / 224);
  const random = new Random(1);
  const batch = Array.from({ length: images }, () => Float32Array.from({ length: size * size }, () => random.next()));
  const time = (run: () => void) => {
    run(); // warm-up: the first call compiles
    const started = performance.now();
    for (let repeat = 0; repeat < 5; repeat++) run();
    return ((performance.now() - started) * 1000) / (5 * images);
  };
  const plain = time(() => cropPixels(batch, size, crop, new Random(2)));
  const augmented = time(() => cropPixels(batch, size, crop, new Random(2), augmentation));
  console.log(
    `| ${crop} | ${size} | ${plain.toFixed(1)} | ${augmented.toFixed(1)} | ${(augmented / plain).toFixed(1)}× |`,
  );
}
