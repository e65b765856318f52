import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Command } from 'commander';
import { selectBackend } from '../cascade/backend.js';
import { referenceCnn } from '../cascade/reference-cnn.js';
import { importFormat } from '../datasets/formats.js';
import { writeSampleDataset } from '../datasets/sample/generate.js';
import { mineLabels } from '../labels/mine.js';
import { Catalog } from '../store/catalog.js';
import { type BackendOptions, backendRequest, withBackendOption } from './backend-option.js';
import { createProgress } from './progress.js';
import { integerOption } from './shared-options.js';

const RUNTIME_SIZE = 64;
const RUNTIME_IMAGES = 256;

interface QuickstartOptions extends BackendOptions {
  workspace: string;
  count: string;
  epochs: string;
}

/**
 * `cxr quickstart`, the README's main job, runs every stage built so far on the built-in sample: it writes the
 * synthetic dataset, imports it, mines its labels and checks the ML runtime by training the reference CNN. The
 * index and the search page are not built yet; it says so.
 */
export function registerQuickstartCommand(program: Command): void {
  withBackendOption(program.command('quickstart'))
    .description('Run the main job on the built-in sample dataset (today: sample, import, labels, ML runtime check)')
    .option('--workspace <dir>', 'where the sample and the catalog go', '.cxr')
    .option('--count <n>', 'sample studies', '500')
    .option('--epochs <n>', 'runtime-check training epochs', '6')
    .action(async (options: QuickstartOptions) => {
      const out = join(options.workspace, 'sample');
      const count = integerOption('count', options.count, 1, 1_000_000);
      const progress = createProgress('sample', 'images');
      await writeSampleDataset(out, { count }, (done, total) => progress.update(done, total));
      progress.stop();
      const catalog = Catalog.open(join(options.workspace, 'catalog.sqlite'));
      try {
        const reports = join(out, 'reports');
        const { summary: imported } = await importFormat(catalog, 'openi', reports, {
          dataset: 'sample',
          images: join(out, 'images'),
        });
        console.log(
          `imported ${imported.records} sample studies (${imported.written} new, ${imported.skipped} skipped)`,
        );
        const stats = mineLabels(catalog, { dataset: 'sample', minCases: Math.max(5, Math.round(count / 66)) });
        console.log(
          `mined ${stats.classes.length} classes: ${stats.classes.map((c) => `${c.name} ${c.images}`).join(', ')}`,
        );
      } finally {
        catalog.close();
      }
      await runtimeCheck(options);
      console.log('Next: `cxr train` trains the CNN/RNN cascade on this catalog (not part of the quickstart yet).');
      console.log('Not built yet: the index and the search page.');
    });
}

/** Trains the reference CNN on generated images (a bright disc left or right of centre) until it tells the sides apart. */
async function runtimeCheck(options: QuickstartOptions): Promise<void> {
  const backend = await selectBackend(backendRequest(options));
  const epochs = integerOption('epochs', options.epochs, 1, 1000);
  console.log(
    `ML runtime check: the reference CNN on ${RUNTIME_IMAGES} generated ${RUNTIME_SIZE}² images, ${backend.choice} backend`,
  );
  const { images, labels } = discImages();
  const model = referenceCnn({ inputSize: RUNTIME_SIZE, classes: 2, learningRate: 0.05 });
  const started = performance.now();
  await model.fit(images, labels, {
    epochs,
    batchSize: 32,
    verbose: 0,
    callbacks: {
      onEpochEnd: (epoch, logs) => {
        const rate = ((epoch + 1) * RUNTIME_IMAGES) / ((performance.now() - started) / 1000);
        console.log(
          `  epoch ${epoch + 1}/${epochs}  loss ${logs?.loss?.toFixed(3)}  accuracy ${logs?.acc?.toFixed(3)}  ${rate.toFixed(0)} images/s`,
        );
      },
    },
  });
  model.dispose();
  tf.dispose([images, labels]);
}

function discImages(): { images: tf.Tensor4D; labels: tf.Tensor2D } {
  const pixels = new Float32Array(RUNTIME_IMAGES * RUNTIME_SIZE * RUNTIME_SIZE);
  const classes = new Int32Array(RUNTIME_IMAGES);
  for (let n = 0; n < RUNTIME_IMAGES; n++) {
    const right = n % 2;
    classes[n] = right;
    const centreX = RUNTIME_SIZE * (right === 1 ? 0.7 : 0.3);
    const centreY = RUNTIME_SIZE * (0.3 + (0.4 * ((n * 37) % 100)) / 100);
    for (let y = 0; y < RUNTIME_SIZE; y++)
      for (let x = 0; x < RUNTIME_SIZE; x++) {
        const inside = (x - centreX) ** 2 + (y - centreY) ** 2 < (RUNTIME_SIZE / 8) ** 2;
        pixels[(n * RUNTIME_SIZE + y) * RUNTIME_SIZE + x] = (inside ? 1 : 0) + 0.1 * Math.sin(x * 1.3 + y * 0.7 + n);
      }
  }
  return tf.tidy(() => ({
    images: tf.tensor4d(pixels, [RUNTIME_IMAGES, RUNTIME_SIZE, RUNTIME_SIZE, 1]),
    labels: tf.oneHot(tf.tensor1d(classes, 'int32'), 2).toFloat() as tf.Tensor2D,
  }));
}
