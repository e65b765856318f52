import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { selectBackend } from '../cascade/backend.js';
import type { BundleManifest } from '../cascade/bundle/format.js';
import { REPORT_FILE, saveBundle } from '../cascade/bundle/save.js';
import type { CascadeOptions, IterationReport } from '../cascade/cascade.js';
import { trainFromCatalog } from '../cascade/train-catalog.js';
import {
  detectProfile,
  mergeOptions,
  PROFILE_DEFAULTS,
  TRAINING_PROFILES,
  type TrainingProfile,
} from '../cascade/training-profile.js';
import { Catalog } from '../store/catalog.js';
import { type BackendOptions, backendRequest, withBackendOption } from './backend-option.js';
import { createProgress } from './progress.js';
import { choiceOption, existingCatalogPath, integerOption, numberOption, withCatalogOption } from './shared-options.js';

/** The training flags; an absent one takes the collection profile's default (src/cascade/training-profile.ts). */
export interface TrainingCliOptions {
  profile?: string;
  size?: string;
  architecture?: string;
  width?: string;
  epochs?: string;
  rnnEpochs?: string;
  iterations?: string;
  imbalance?: string;
  cell?: string;
  rnnInit?: string;
  seed?: string;
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
      const catalog = Catalog.open(existingCatalogPath(options.catalog));
      try {
        await trainAndSave(catalog, options, options.out, options.json === true);
      } finally {
        catalog.close();
      }
    });
}

/**
 * The cascade's training options, shared by `cxr train`, `cxr build` and `cxr quickstart`. No flag has a default
 * here: what is not given comes from the collection's profile, chosen in one place, unless a command with a known,
 * fixed dataset gives its own (the quickstart's sample, trained within its time budget).
 */
export function withTrainingOptions(command: Command, defaults: Partial<TrainingCliOptions> = {}): Command {
  const byProfile = ' (default: by collection profile)';
  return command
    .option(
      '--profile <kind>',
      `training defaults for: auto | ${TRAINING_PROFILES.join(' | ')}`,
      defaults.profile ?? 'auto',
    )
    .option(
      '--size <pixels>',
      `CNN input side; images are decoded at size × 256/224 for random crops${byProfile}`,
      defaults.size,
    )
    .option('--architecture <name>', `nin | inception${byProfile}`, defaults.architecture)
    .option('--width <factor>', `channel multiplier of the CNN${byProfile}`, defaults.width)
    .option('--epochs <n>', `CNN epochs per iteration${byProfile}`, defaults.epochs)
    .option('--rnn-epochs <n>', `RNN epochs per iteration${byProfile}`, defaults.rnnEpochs)
    .option('--iterations <n>', `refinement iterations after the first${byProfile}`, defaults.iterations)
    .option('--imbalance <how>', `data-dropout | class-weights${byProfile}`, defaults.imbalance)
    .option('--cell <kind>', `gru | lstm${byProfile}`, defaults.cell)
    .option(
      '--rnn-init <how>',
      `the RNN's initial state from the CNN embedding: learned | pca (the paper's)${byProfile}`,
      defaults.rnnInit,
    )
    .option('--seed <n>', 'seed of every random choice', defaults.seed ?? '1');
}

/** The cascade's options: the profile's defaults (named or detected) with the flags given laid over them. */
export function trainingOptions(
  catalog: Catalog,
  options: TrainingCliOptions & { dataset?: string },
): { cascade: CascadeOptions; profile: TrainingProfile; reason: string } {
  const requested = choiceOption('profile', options.profile ?? 'auto', ['auto', ...TRAINING_PROFILES] as const);
  const { profile, reason } =
    requested === 'auto' ? detectProfile(catalog, options.dataset) : { profile: requested, reason: 'asked for' };
  const given = <T>(value: string | undefined, parse: (text: string) => T): T | undefined =>
    value === undefined ? undefined : parse(value);
  const flags: CascadeOptions = {
    cnn: {
      inputSize: given(options.size, (v) => integerOption('size', v, 32, 512)),
      architecture: given(options.architecture, (v) => choiceOption('architecture', v, ['nin', 'inception'] as const)),
      width: given(options.width, (v) => numberOption('width', v, 0.05, 8)),
    },
    cnnTraining: {
      epochs: given(options.epochs, (v) => integerOption('epochs', v, 1, 1000)),
      imbalance: given(options.imbalance, (v) =>
        choiceOption('imbalance', v, ['data-dropout', 'class-weights'] as const),
      ),
    },
    rnn: {
      cell: given(options.cell, (v) => choiceOption('cell', v, ['gru', 'lstm'] as const)),
      init: given(options.rnnInit, (v) => choiceOption('rnn-init', v, ['learned', 'pca'] as const)),
    },
    rnnTraining: {
      epochs: given(options.rnnEpochs, (v) => integerOption('rnn-epochs', v, 1, 1000)),
    },
    iterations: given(options.iterations, (v) => integerOption('iterations', v, 0, 5)),
    seed: integerOption('seed', options.seed ?? '1', 0),
  };
  return { cascade: mergeOptions(PROFILE_DEFAULTS[profile].options, flags), profile, reason };
}

/** Trains the cascade on the catalog with progress on stderr, writes the bundle, prints its metrics. */
export async function trainAndSave(
  catalog: Catalog,
  options: TrainingCliOptions & { dataset?: string },
  out: string,
  json: boolean,
): Promise<BundleManifest> {
  const chosen = trainingOptions(catalog, options);
  process.stderr.write(
    `training defaults: ${chosen.profile} (${chosen.reason}): ${PROFILE_DEFAULTS[chosen.profile].summary}\n` +
      `training with: ${describeTraining(chosen.cascade)}\n`,
  );
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
      cascade: chosen.cascade,
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

/** The resolved training configuration in a line, as `cxr train` announces it. */
function describeTraining(options: CascadeOptions): string {
  const cnn = options.cnn ?? {};
  const training = options.cnnTraining ?? {};
  return [
    `${cnn.architecture ?? 'nin'} CNN at ${cnn.inputSize}², width ${cnn.width ?? 1}`,
    training.augment === undefined ? 'random crops' : 'augmentation',
    `${training.epochs} CNN epochs per iteration (${training.imbalance ?? 'data-dropout'})`,
    `${options.rnnTraining?.epochs} RNN epochs (${options.rnn?.cell ?? 'gru'})`,
    `${options.iterations} refinement(s)`,
    `seed ${options.seed}`,
  ].join(', ');
}
