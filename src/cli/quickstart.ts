import * as tf from '@tensorflow/tfjs';
import type { Command } from 'commander';
import { selectBackend } from '../cascade/backend.js';
import { referenceCnn } from '../cascade/reference-cnn.js';
import { type BackendOptions, backendRequest, withBackendOption } from './backend-option.js';

const SIZE = 64;
const IMAGES = 256;

/**
 * `cxr quickstart`, the README's main job. The built-in sample dataset, the cascade, the index and the search
 * page do not exist yet, so today it runs what exists and says so: it selects the ML backend and trains the
 * reference CNN on generated images (a bright disc left or right of centre) until it tells the sides apart.
 */
export function registerQuickstartCommand(program: Command): void {
  withBackendOption(program.command('quickstart'))
    .description('Run the main job on built-in data (today: check the ML runtime by training the reference CNN)')
    .option('--epochs <n>', 'training epochs', '6')
    .action(async (options: BackendOptions & { epochs: string }) => {
      const backend = await selectBackend(backendRequest(options));
      console.log(
        `Training the reference CNN on ${IMAGES} generated ${SIZE}×${SIZE} images with the ${backend.choice} backend.`,
      );
      const { images, labels } = discImages();
      const model = referenceCnn({ inputSize: SIZE, classes: 2, learningRate: 0.05 });
      const started = performance.now();
      await model.fit(images, labels, {
        epochs: Number(options.epochs),
        batchSize: 32,
        verbose: 0,
        callbacks: {
          onEpochEnd: (epoch, logs) => {
            const seconds = (performance.now() - started) / 1000;
            const rate = ((epoch + 1) * IMAGES) / seconds;
            console.log(
              `epoch ${epoch + 1}/${options.epochs}  loss ${logs?.loss?.toFixed(3)}  accuracy ${logs?.acc?.toFixed(3)}  ${rate.toFixed(0)} images/s`,
            );
          },
        },
      });
      model.dispose();
      tf.dispose([images, labels]);
      console.log(
        'The ML runtime works. Not built yet: the sample dataset, the cascade, the index and the search page.',
      );
    });
}

function discImages(): { images: tf.Tensor4D; labels: tf.Tensor2D } {
  const pixels = new Float32Array(IMAGES * SIZE * SIZE);
  const classes = new Int32Array(IMAGES);
  for (let n = 0; n < IMAGES; n++) {
    const right = n % 2;
    classes[n] = right;
    const centreX = right === 1 ? SIZE * 0.7 : SIZE * 0.3;
    const centreY = SIZE * (0.3 + (0.4 * ((n * 37) % 100)) / 100);
    for (let y = 0; y < SIZE; y++)
      for (let x = 0; x < SIZE; x++) {
        const inside = (x - centreX) ** 2 + (y - centreY) ** 2 < (SIZE / 8) ** 2;
        pixels[(n * SIZE + y) * SIZE + x] = (inside ? 1 : 0) + 0.1 * Math.sin(x * 1.3 + y * 0.7 + n);
      }
  }
  return tf.tidy(() => ({
    images: tf.tensor4d(pixels, [IMAGES, SIZE, SIZE, 1]),
    labels: tf.oneHot(tf.tensor1d(classes, 'int32'), 2).toFloat() as tf.Tensor2D,
  }));
}
