import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { selectBackend } from '../cascade/backend.js';
import { type LoadOptions, loadBundle } from '../cascade/bundle/load.js';
import { UNCERTAIN_POLICIES } from '../datasets/chexpert.js';
import { FORMATS, importFormat } from '../datasets/formats.js';
import { type BuildOptions, type BuildResult, buildIndex } from '../indexer/build-index.js';
import { keepableChanges, liveChanges } from '../indexer/kept-changes.js';
import { mineLabels } from '../labels/mine.js';
import { Catalog } from '../store/catalog.js';
import { type BackendOptions, backendRequest, withBackendOption } from './backend-option.js';
import { createProgress, type Progress } from './progress.js';
import {
  beamOption,
  choiceOption,
  existingCatalogPath,
  integerOption,
  withBeamOption,
  withCatalogOption,
} from './shared-options.js';
import { type TrainingCliOptions, trainAndSave, withTrainingOptions } from './train.js';

export const DEFAULT_INDEX = '.cxr/index';

interface BuildCliOptions extends BackendOptions, TrainingCliOptions {
  catalog: string;
  index: string;
  bundle?: string;
  bundleOut: string;
  retrain?: boolean;
  dataset?: string;
  images?: string;
  uncertain: string;
  labels: string;
  minCases: string;
  batch: string;
  beam: string;
  decodeThreads?: string;
  dropAdded?: boolean;
  json?: boolean;
}

/**
 * `cxr build [FORMAT SOURCE]`: one command from a dataset to a searchable index. Each stage is resumable: the
 * import skips unchanged records, a trained bundle is reused unless --retrain, and annotation continues where an
 * interrupted build stopped. The previous index answers queries until the new one is complete.
 */
export function registerBuildCommand(program: Command): void {
  withBeamOption(withTrainingOptions(withBackendOption(withCatalogOption(program.command('build')))))
    .description('Import a dataset, mine labels, train (or reuse a bundle), annotate every image and write the index')
    .argument('[format]', `dataset format to import first: ${FORMATS.join(' | ')}`)
    .argument('[source]', 'the dataset to import (see `cxr import`); omit both to index the catalog as it is')
    .option('--index <dir>', 'the search index folder', DEFAULT_INDEX)
    .option('--bundle <dir>', 'annotate with this model bundle instead of training one')
    .option('--bundle-out <dir>', 'where a trained bundle is written (and reused from)', '.cxr/bundle')
    .option('--retrain', 'train again even when --bundle-out holds a bundle')
    .option('--dataset <name>', 'dataset name (import) and the only dataset indexed')
    .option('--images <dir>', 'import: folder the image paths are relative to')
    .option('--uncertain <policy>', `import: uncertain labels (${UNCERTAIN_POLICIES.join(' | ')})`, 'keep')
    .option('--labels <source>', 'ground truth for label mining: auto | mesh | dataset | reports', 'auto')
    .option('--min-cases <n>', 'images a pattern needs to become a class', '30')
    .option('--batch <n>', 'images per annotation batch', '32')
    .option('--decode-threads <n>', 'threads decoding images beside the model (default: cores - 1)')
    .option('--drop-added', 'leave out images added since the last build whose files are gone (else refused)')
    .option('--json', 'machine-readable summary on stdout')
    .action(async (format: string | undefined, source: string | undefined, options: BuildCliOptions) => {
      const beam = beamOption(options.beam);
      keepableChanges(liveChanges(options.index), options.dropAdded === true); // refused before import and training
      await selectBackend(backendRequest(options));
      const catalog = Catalog.open(format === undefined ? existingCatalogPath(options.catalog) : options.catalog);
      const controller = new AbortController();
      const interrupt = () => controller.abort();
      process.once('SIGINT', interrupt);
      process.once('SIGTERM', interrupt);
      try {
        const dataset = await importIfAsked(catalog, format, source, options, controller.signal);
        const bundleDir = await bundleFor(catalog, { ...options, dataset });
        const result = await indexWithProgress(
          catalog,
          bundleDir,
          options.index,
          {
            dataset,
            batchSize: integerOption('batch', options.batch, 1, 1024),
            dropAdded: options.dropAdded === true,
            ...(options.decodeThreads === undefined
              ? {}
              : { decodeThreads: integerOption('decode-threads', options.decodeThreads, 1, 64) }),
          },
          { json: options.json, signal: controller.signal },
          { beam },
        );
        if (options.json) console.log(JSON.stringify({ index: options.index, ...result }, null, 2));
        else if (result.interrupted) {
          console.log(`interrupted after ${result.indexed} images; run the same command again to resume`);
        } else {
          console.log(
            `index ${options.index}: ${result.indexed} images${result.resumed > 0 ? ` (${result.resumed} from the interrupted build)` : ''}, ${result.skipped.length} skipped`,
          );
          for (const item of result.skipped.slice(0, 10))
            console.log(`  skipped ${item.item}: ${item.code} ${item.message}`);
        }
        if (result.interrupted) process.exitCode = 130;
      } finally {
        process.off('SIGINT', interrupt);
        process.off('SIGTERM', interrupt);
        catalog.close();
      }
    });
}

/**
 * Annotates the catalog into the index with the bundle (opened with `load`: its beam width), showing annotation
 * and HNSW progress (rate, ETA).
 */
export async function indexWithProgress(
  catalog: Catalog,
  bundleDir: string,
  indexDir: string,
  options: BuildOptions,
  view: { json?: boolean; signal?: AbortSignal } = {},
  load: LoadOptions = {},
): Promise<BuildResult> {
  const annotator = await loadBundle(bundleDir, load);
  const progress = createProgress('annotate', 'images', view.json);
  // Created at its first report, so its rate counts from when the HNSW stage started.
  let vectorsProgress: Progress | undefined;
  try {
    return await buildIndex(catalog, annotator, bundleDir, indexDir, options, {
      signal: view.signal,
      onProgress: (p) => {
        if (p.stage === 'annotate') return progress.update(p.done, p.total);
        vectorsProgress ??= createProgress('HNSW', 'vectors', view.json);
        vectorsProgress.update(p.done, p.total);
      },
    });
  } finally {
    progress.stop();
    vectorsProgress?.stop();
    annotator.dispose();
  }
}

async function importIfAsked(
  catalog: Catalog,
  format: string | undefined,
  source: string | undefined,
  options: BuildCliOptions,
  signal: AbortSignal,
): Promise<string | undefined> {
  if (format === undefined) return options.dataset;
  if (source === undefined) throw new Error('unreachable: commander requires <source> after <format>');
  const progress = createProgress(`import ${format}`, 'records', options.json);
  const { dataset, summary } = await importFormat(catalog, choiceOption('format', format, FORMATS), source, {
    dataset: options.dataset,
    images: options.images,
    uncertain: choiceOption('uncertain', options.uncertain, UNCERTAIN_POLICIES),
    signal,
    onProgress: (p) => progress.update(p.records, p.total),
  });
  progress.stop();
  if (!options.json)
    console.log(`imported ${summary.records} records (${summary.written} new, ${summary.skipped} skipped)`);
  return dataset;
}

/** The bundle to annotate with: the one given, the one trained before (unless --retrain), or a new one. */
async function bundleFor(catalog: Catalog, options: BuildCliOptions): Promise<string> {
  if (options.bundle !== undefined) return options.bundle;
  if (existsSync(join(options.bundleOut, 'bundle.json')) && !options.retrain) {
    if (!options.json) console.log(`reusing the bundle at ${options.bundleOut} (--retrain to train again)`);
    return options.bundleOut;
  }
  const stats = mineLabels(catalog, {
    dataset: options.dataset,
    minCases: integerOption('min-cases', options.minCases, 1),
    labels: choiceOption('labels', options.labels, ['auto', 'mesh', 'dataset', 'reports'] as const),
  });
  if (!options.json) console.log(`mined ${stats.classes.length} classes from ${stats.classImages} images`);
  await trainAndSave(catalog, options, options.bundleOut, options.json === true);
  return options.bundleOut;
}
