import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { selectBackend } from '../cascade/backend.js';
import { importFormat } from '../datasets/formats.js';
import { writeSampleDataset } from '../datasets/sample/generate.js';
import { mineLabels } from '../labels/mine.js';
import { Catalog } from '../store/catalog.js';
import { type BackendOptions, backendRequest, withBackendOption } from './backend-option.js';
import { indexWithProgress } from './build.js';
import { createProgress } from './progress.js';
import { startServer } from './serve.js';
import { integerOption } from './shared-options.js';
import { type TrainingCliOptions, trainAndSave, withTrainingOptions } from './train.js';

interface QuickstartOptions extends BackendOptions, TrainingCliOptions {
  workspace: string;
  count: string;
  port: string;
  host: string;
  serve: boolean;
  rebuild?: boolean;
}

/**
 * The quickstart's own training defaults, measured on the sample (2 cores, wasm; table in the README). More studies
 * trained briefly beat fewer trained long: at 600 studies the minority classes have 10–40 images and most are read
 * as normal. To train on 2,000 within the 5-minute job the CNN is 48² at half width, 4.4× `cxr train`'s images per
 * second (at equal epochs the 48² input kept class accuracy but lost some location and severity agreement, which
 * the fifth epoch won back), with 5 + 5 data-dropout epochs (≈ 5,000 crops each) and 10 RNN epochs. Real
 * collections keep `cxr train`'s defaults.
 */
export const QUICKSTART_TRAINING: Partial<TrainingCliOptions> = {
  size: '48',
  width: '0.5',
  epochs: '5',
  rnnEpochs: '10',
};
export const QUICKSTART_STUDIES = 2000;

/**
 * `cxr quickstart`, the README's main job: the built-in sample dataset written, imported and mined, the cascade
 * trained on it, every image annotated into a search index, and the search page served. Every stage is kept in
 * the workspace, so a second run starts the server at once (--rebuild trains and indexes again).
 */
export function registerQuickstartCommand(program: Command): void {
  // The training options are cxr train's; their defaults are the quickstart's own (QUICKSTART_TRAINING).
  withTrainingOptions(withBackendOption(program.command('quickstart')), QUICKSTART_TRAINING)
    .description('Build a search index of the built-in sample dataset and serve the search page')
    .option('--workspace <dir>', 'where the sample, catalog, bundle and index go', '.cxr')
    .option('--count <n>', 'sample studies', String(QUICKSTART_STUDIES))
    .option('--port <n>', 'port of the search page', '8080')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--no-serve', 'build only; do not start the server')
    .option('--rebuild', 'train and index again even if the workspace has an index')
    .action(async (options: QuickstartOptions) => {
      const started = performance.now();
      const indexDir = join(options.workspace, 'index');
      if (options.rebuild || !existsSync(join(indexDir, 'CURRENT'))) await buildSampleIndex(options, indexDir);
      else console.log(`using the index at ${indexDir} (--rebuild to build it again)`);
      console.log(`ready in ${((performance.now() - started) / 1000).toFixed(0)} s`);
      if (options.serve) {
        await startServer({ ...options, index: indexDir, cors: [], uploadLimit: '20' });
      }
    });
}

async function buildSampleIndex(options: QuickstartOptions, indexDir: string): Promise<void> {
  const count = integerOption('count', options.count, 50, 1_000_000);
  await selectBackend(backendRequest(options));
  const out = join(options.workspace, 'sample');
  const progress = createProgress('sample', 'images');
  await writeSampleDataset(out, { count }, (done, total) => progress.update(done, total));
  progress.stop();
  const catalog = Catalog.open(join(options.workspace, 'catalog.sqlite'));
  try {
    const { summary } = await importFormat(catalog, 'openi', join(out, 'reports'), {
      dataset: 'sample',
      images: join(out, 'images'),
    });
    console.log(`imported ${summary.records} sample studies (${summary.written} new, ${summary.skipped} skipped)`);
    const stats = mineLabels(catalog, { dataset: 'sample', minCases: Math.max(5, Math.round(count / 66)) });
    console.log(
      `mined ${stats.classes.length} classes: ${stats.classes.map((c) => `${c.name} ${c.images}`).join(', ')}`,
    );
    const bundleDir = join(options.workspace, 'bundle');
    if (options.rebuild || !existsSync(join(bundleDir, 'bundle.json'))) {
      console.log('training the CNN/RNN cascade (first CNN, RNN, joint-context relabelling, then both again)');
      await trainAndSave(catalog, { ...options, dataset: 'sample' }, bundleDir, false);
    }
    const result = await indexWithProgress(catalog, bundleDir, indexDir, { dataset: 'sample' });
    console.log(`indexed ${result.indexed} images into ${indexDir}`);
  } finally {
    catalog.close();
  }
}
