import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { selectBackend } from '../cascade/backend.js';
import type { BundleManifest } from '../cascade/bundle/format.js';
import { REPORT_FILE, saveBundle } from '../cascade/bundle/save.js';
import type { IterationReport } from '../cascade/cascade.js';
import { trainFromCatalog } from '../cascade/train-catalog.js';
import { Catalog } from '../store/catalog.js';
import { type BackendOptions, backendRequest, withBackendOption } from './backend-option.js';
import { createProgress } from './progress.js';
import { choiceOption, integerOption, withCatalogOption } from './shared-options.js';

export interface TrainingCliOptions {
  size: string;
  architecture: string;
  width: string;
  epochs: string;
  rnnEpochs: string;
  iterations: string;
  imbalance: string;
  cell: string;
  rnnInit?: string;
  seed: string;
}

interface TrainCliOptions extends BackendOptions, TrainingCliOptions {
  catalog: string;
  dataset?: string;
  out: string;
  json?: boolean;
}

/** `cxr train`: the recurrent neural cascade on a mined catalog, saved as a model bundle. */
export function registerTrainCommand(program: Command): void {
  withTrainingOptions(withBackendOption(withCatalogOption(program.command('train'))))
    .description('Train the CNN/RNN cascade on the mined catalog and write a model bundle')
    .option('--dataset <name>', 'only this dataset (default: all)')
    .option('--out <dir>', 'the model bundle to write', '.cxr/bundle')
    .option('--json', 'metrics as JSON on stdout')
    .action(async (options: TrainCliOptions) => {
      await selectBackend(backendRequest(options));
      const catalog = Catalog.open(options.catalog);
      try {
        await trainAndSave(catalog, options, options.out, options.json === true);
      } finally {
        catalog.close();
      }
    });
}

/**
 * The cascade's training options, shared by `cxr train`, `cxr build` and `cxr quickstart`. The defaults are
 * `cxr train`'s; a command with a known, fixed dataset (the quickstart's sample) may give some of its own.
 */
export function withTrainingOptions(command: Command, defaults: Partial<TrainingCliOptions> = {}): Command {
  return command
    .option(
      '--size <pixels>',
      'CNN input side (images are decoded at size × 256/224 for random crops)',
      defaults.size ?? '64',
    )
    .option('--architecture <name>', 'nin | inception', defaults.architecture ?? 'nin')
    .option('--width <factor>', 'channel multiplier of the CNN', defaults.width ?? '1')
    .option('--epochs <n>', 'CNN epochs per iteration', defaults.epochs ?? '8')
    .option('--rnn-epochs <n>', 'RNN epochs per iteration', defaults.rnnEpochs ?? '15')
    .option('--iterations <n>', 'refinement iterations after the first', defaults.iterations ?? '1')
    .option('--imbalance <how>', 'data-dropout | class-weights', defaults.imbalance ?? 'data-dropout')
    .option('--cell <kind>', 'gru | lstm', defaults.cell ?? 'gru')
    .option(
      '--rnn-init <how>',
      "the RNN's initial state from the CNN embedding: learned | pca (the paper's)",
      defaults.rnnInit ?? 'learned',
    )
    .option('--seed <n>', 'seed of every random choice', defaults.seed ?? '1');
}

/** Trains the cascade on the catalog with progress on stderr, writes the bundle, prints its metrics. */
export async function trainAndSave(
  catalog: Catalog,
  options: TrainingCliOptions & { dataset?: string },
  out: string,
  json: boolean,
): Promise<BundleManifest> {
  const loading = createProgress('load images', 'images', json);
  const started = performance.now();
  const checkpointDir = `${out}.checkpoints`;
  const controller = new AbortController();
  const interrupt = () => {
    process.stderr.write('interrupting after the current epoch (a checkpoint is kept; the same command resumes)\n');
    controller.abort();
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  let cascade: Awaited<ReturnType<typeof trainFromCatalog>>;
  try {
    cascade = await trainFromCatalog(catalog, {
      dataset: options.dataset,
      checkpointDir,
      signal: controller.signal,
      onLoad: (done, total) => {
        loading.update(done, total);
        if (done === total) loading.stop();
      },
      onEpoch: (stage, s) => {
        process.stderr.write(
          `${stage}: epoch ${s.epoch}/${s.epochs}  loss ${s.loss.toFixed(3)}  ${s.imagesPerSecond.toFixed(0)} images/s  ETA ${Math.round(s.secondsLeft)}s\n`,
        );
      },
      cascade: {
        cnn: {
          inputSize: integerOption('size', options.size, 32, 512),
          architecture: choiceOption('architecture', options.architecture, ['nin', 'inception'] as const),
          width: Number(options.width),
        },
        cnnTraining: {
          epochs: integerOption('epochs', options.epochs, 1, 1000),
          imbalance: choiceOption('imbalance', options.imbalance, ['data-dropout', 'class-weights'] as const),
        },
        rnn: {
          cell: choiceOption('cell', options.cell, ['gru', 'lstm'] as const),
          init: choiceOption('rnn-init', options.rnnInit ?? 'learned', ['learned', 'pca'] as const),
        },
        rnnTraining: { epochs: integerOption('rnn-epochs', options.rnnEpochs, 1, 1000) },
        iterations: integerOption('iterations', options.iterations, 0, 5),
        seed: integerOption('seed', options.seed, 0),
      },
    });
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
  try {
    const manifest = await saveBundle(cascade, out);
    rmSync(checkpointDir, { recursive: true, force: true });
    const seconds = (performance.now() - started) / 1000;
    if (json) {
      console.log(JSON.stringify({ bundle: out, seconds, metrics: manifest.metrics }, null, 2));
    } else {
      console.log(
        `bundle written to ${out} (${manifest.finalClasses.length} classes, ${manifest.vocabulary.length} words) in ${seconds.toFixed(0)} s; report: ${join(out, REPORT_FILE)}`,
      );
      for (const report of manifest.metrics as IterationReport[]) printReport(report);
    }
    return manifest;
  } finally {
    cascade.dispose();
  }
}

function printReport(report: IterationReport): void {
  const aurocs = Object.values(report.auroc);
  const mean = aurocs.reduce((a, b) => a + b, 0) / Math.max(1, aurocs.length);
  const a = report.annotation;
  console.log(
    `iteration ${report.iteration}: ${report.classes.length} classes; test accuracy ${report.classAccuracy.toFixed(3)}, mean AUROC ${mean.toFixed(3)}; BLEU-1 ${a.bleu1.toFixed(3)} BLEU-2 ${a.bleu2.toFixed(3)} BLEU-3 ${a.bleu3.toFixed(3)} BLEU-4 ${a.bleu4.toFixed(3)}`,
  );
}
