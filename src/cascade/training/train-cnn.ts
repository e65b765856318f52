import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { cxrError } from '../../errors.js';
import { Random } from '../../random.js';
import { imageBatch } from '../data/batches.js';
import type { TrainingExample } from '../data/training-set.js';
import type { Cnn } from '../models/cnn.js';
import { dataDropoutEpoch, dataDropoutPlan } from './data-dropout.js';
import { disposeOptimizer } from './optimizers.js';

export const CnnTrainingOptions = z.object({
  epochs: z.number().int().min(1).default(10),
  batchSize: z.number().int().min(1).default(32),
  /** SGD with momentum 0.9 as in the paper; 0.1 there, 0.05 suits the smaller batch-normalised CPU network. */
  learningRate: z.number().positive().default(0.05),
  momentum: z.number().min(0).max(1).default(0.9),
  /** `step`: the learning rate drops tenfold for the last third of the epochs (the paper's step schedule, compressed). */
  schedule: z.enum(['constant', 'step']).default('step'),
  /** The paper's data dropout, or class weights (loss weighted by n_total / (classes · n_class)). */
  imbalance: z.enum(['data-dropout', 'class-weights']).default('data-dropout'),
  normalClass: z.string().default('normal'),
  seed: z.number().int().default(1),
});
export type CnnTrainingOptions = z.input<typeof CnnTrainingOptions>;

/** Images of each class (by class index) the last epoch showed: what the CNN's prior was trained on. */
export interface TrainedPrior {
  trueCounts: number[];
  shownCounts: number[];
}

export interface EpochStats {
  epoch: number;
  epochs: number;
  loss: number;
  images: number;
  imagesPerSecond: number;
  secondsLeft: number;
}

/** Resuming and stopping: epochs already done (weights restored by the caller), a hook after each epoch, a signal. */
export interface CnnTrainingControl {
  startEpoch?: number;
  /** Statistics of the epochs already done, continued. */
  history?: EpochStats[];
  /** After each epoch, before the signal is checked: where a checkpoint is written. */
  afterEpoch?: (epoch: number, history: EpochStats[]) => void;
  /** Checked between epochs; when aborted, training stops with INTERRUPTED after `afterEpoch` ran. */
  signal?: AbortSignal;
}

/**
 * Trains the CNN's classifier on the train split's images, one epoch at a time, reporting each. `labelOf` gives an
 * example's training label (by default its mined class; the cascade's refinement passes the relabelled ones).
 */
export async function trainCnn(
  cnn: Cnn,
  examples: TrainingExample[],
  classIndex: Map<string, number>,
  geometry: { size: number; crop: number },
  input: CnnTrainingOptions = {},
  onEpoch?: (stats: EpochStats) => void,
  labelOf: (example: TrainingExample, index: number) => string | undefined = (example) => example.className,
  onPrior?: (prior: TrainedPrior) => void,
  control: CnnTrainingControl = {},
): Promise<EpochStats[]> {
  const options = CnnTrainingOptions.parse(input);
  const train = examples
    .map((example, i) => ({ example, i, label: labelOf(example, i) }))
    .filter(({ example, label }) => example.split === 'train' && label !== undefined && classIndex.has(label));
  const labels = train.map(({ label }) => label as string);
  const labelByIndex = new Map(train.map(({ i, label }) => [i, label as string]));
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  // Relabelled normal images ("normal#2") are still normal to data dropout: thinned, never replicated.
  const asDropout = (label: string) => (baseClass(label) === options.normalClass ? options.normalClass : label);
  const dropoutCounts = new Map<string, number>();
  for (const label of labels) dropoutCounts.set(asDropout(label), (dropoutCounts.get(asDropout(label)) ?? 0) + 1);
  const plan = dataDropoutPlan(dropoutCounts, options.normalClass);
  const classWeight = Object.fromEntries(
    [...counts].map(([label, n]) => [classIndex.get(label) as number, train.length / (counts.size * n)]),
  );
  // An optimiser passed in is not owned (or disposed) by the model: this function disposes it when done.
  const optimizer = tf.train.momentum(options.learningRate, options.momentum);
  cnn.classifier.compile({
    optimizer,
    loss: 'categoricalCrossentropy',
  });
  const random = new Random(options.seed);
  const history: EpochStats[] = [...(control.history ?? [])];
  const startEpoch = control.startEpoch ?? 0;
  const started = performance.now();
  const prior: TrainedPrior = {
    trueCounts: new Array(classIndex.size).fill(0),
    shownCounts: new Array(classIndex.size).fill(0),
  };
  const bump = (counts: number[], label: string, by: number) => {
    const c = classIndex.get(label) as number;
    counts[c] = (counts[c] as number) + by;
  };
  for (const label of labels) bump(prior.trueCounts, label, 1);
  const dropoutOrder = (epoch: number) =>
    dataDropoutEpoch(labels.map(asDropout), plan, options.seed * 1000 + epoch, options.normalClass);
  // The prior the CNN learns is what an epoch shows: the data-dropout epoch's draw, or the class weights.
  for (const k of options.imbalance === 'data-dropout' ? dropoutOrder(options.epochs - 1) : labels.map((_, k) => k)) {
    const label = labels[k] as string;
    bump(
      prior.shownCounts,
      label,
      options.imbalance === 'class-weights' ? (classWeight[classIndex.get(label) as number] as number) : 1,
    );
  }
  const decayFrom = decayFromOf(options);
  for (let epoch = startEpoch; epoch < options.epochs; epoch++) {
    // Set every epoch, so a run resumed past the drop starts at the dropped rate.
    optimizer.setLearningRate(epoch >= decayFrom ? options.learningRate / 10 : options.learningRate);
    const order = options.imbalance === 'data-dropout' ? dropoutOrder(epoch) : random.permutation(labels.length);
    let lossSum = 0;
    let batches = 0;
    for (let at = 0; at < order.length; at += options.batchSize) {
      const slice = order.slice(at, at + options.batchSize).map((k) => (train[k] as { i: number }).i);
      const x = imageBatch(examples, slice, geometry.size, geometry.crop, random);
      const y = tf.tidy(() =>
        tf
          .oneHot(
            tf.tensor1d(
              slice.map((i) => classIndex.get(labelByIndex.get(i) as string) as number),
              'int32',
            ),
            classIndex.size,
          )
          .toFloat(),
      );
      const loss =
        options.imbalance === 'data-dropout'
          ? ((await cnn.classifier.trainOnBatch(x, y)) as number)
          : ((await cnn.classifier.fit(x, y, { epochs: 1, batchSize: slice.length, classWeight, verbose: 0 })).history
              .loss?.[0] as number);
      tf.dispose([x, y]);
      lossSum += loss;
      batches++;
    }
    const seconds = (performance.now() - started) / 1000;
    const images = order.length;
    const done = epoch + 1 - startEpoch;
    const stats: EpochStats = {
      epoch: epoch + 1,
      epochs: options.epochs,
      loss: lossSum / Math.max(1, batches),
      images,
      imagesPerSecond: (images * done) / seconds,
      secondsLeft: (seconds / done) * (options.epochs - epoch - 1),
    };
    history.push(stats);
    onEpoch?.(stats);
    control.afterEpoch?.(epoch, history);
    if (control.signal?.aborted && epoch + 1 < options.epochs) {
      disposeOptimizer(optimizer);
      throw cxrError('INTERRUPTED', `CNN training interrupted after epoch ${epoch + 1} of ${options.epochs}`, {
        epoch: epoch + 1,
      });
    }
  }
  disposeOptimizer(optimizer);
  onPrior?.(prior);
  return history;
}

/** The first epoch trained at a tenth of the learning rate under the step schedule (never, otherwise). */
function decayFromOf(options: z.output<typeof CnnTrainingOptions>): number {
  return options.schedule === 'step' && options.epochs >= 2
    ? Math.floor((2 * options.epochs) / 3)
    : Number.POSITIVE_INFINITY;
}

/** The mined class a refined label came from: `calcified granuloma#3` → `calcified granuloma`. */
export function baseClass(label: string): string {
  const at = label.lastIndexOf('#');
  return at < 0 ? label : label.slice(0, at);
}
