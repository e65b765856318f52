import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { cxrError } from '../../errors.js';
import { Random } from '../../random.js';
import { AugmentOptions } from '../data/augment.js';
import { imageBatch } from '../data/batches.js';
import type { TrainingExample } from '../data/training-set.js';
import type { Cnn } from '../models/cnn.js';
import { dataDropoutEpoch, dataDropoutPlan } from './data-dropout.js';
import { findingTargets } from './finding-targets.js';
import { disposeOptimizer } from './optimizers.js';
import { learningRateAt } from './schedule.js';

export const CnnTrainingOptions = z.object({
  epochs: z.number().int().min(1).default(10),
  batchSize: z.number().int().min(1).default(32),
  /** SGD with momentum 0.9 as in the paper; 0.1 there, 0.05 suits the smaller batch-normalised CPU network. */
  learningRate: z.number().positive().default(0.05),
  momentum: z.number().min(0).max(1).default(0.9),
  /**
   * `step`: the learning rate drops tenfold for the last third of the epochs (the paper's step schedule,
   * compressed); `cosine`: it falls along half a cosine from the full rate to nearly 0.
   */
  schedule: z.enum(['constant', 'step', 'cosine']).default('step'),
  /** Augmentation of training crops (rotation, zoom, exposure, noise; never a flip); absent: random crops only. */
  augment: AugmentOptions.optional(),
  /** L2 penalty on the convolution and dense kernels (the paper: 5e-4); 0 for none. */
  weightDecay: z.number().min(0).max(0.1).default(0),
  /** The paper's data dropout, or class weights (loss weighted by n_total / (classes · n_class)). */
  imbalance: z.enum(['data-dropout', 'class-weights']).default('data-dropout'),
  /** Weight of the per-finding head's loss (mean binary cross-entropy) beside the class head's. */
  findingWeight: z.number().min(0).default(1),
  normalClass: z.string().default('normal'),
  seed: z.number().int().default(1),
});
export type CnnTrainingOptions = z.input<typeof CnnTrainingOptions>;
type ResolvedOptions = z.output<typeof CnnTrainingOptions>;

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

/** What the CNN learns from: the examples, the classes, the findings of its head and the image geometry. */
export interface CnnTrainingData {
  examples: TrainingExample[];
  classIndex: Map<string, number>;
  geometry: { size: number; crop: number };
  /**
   * An example's training class (default: its mined class; the cascade's refinement passes the relabelled ones).
   * Undefined: the class head skips the image, the finding head still learns from it.
   */
  labelOf?: (example: TrainingExample, index: number) => string | undefined;
  /** The finding head's findings in output order (empty or absent when the network has no such head). */
  findings?: string[];
}

/** Progress, resuming and stopping. */
export interface CnnTrainingControl {
  onEpoch?: (stats: EpochStats) => void;
  /** Told the class prior the last epoch showed (for the prior correction). */
  onPrior?: (prior: TrainedPrior) => void;
  /** Epochs already done (weights restored by the caller). */
  startEpoch?: number;
  /** Statistics of the epochs already done, continued. */
  history?: EpochStats[];
  /** After each epoch, before the signal is checked: where a checkpoint is written. */
  afterEpoch?: (epoch: number, history: EpochStats[]) => void;
  /** Checked between epochs; when aborted, training stops with INTERRUPTED after `afterEpoch` ran. */
  signal?: AbortSignal;
}

interface TrainItem {
  /** Index into the examples. */
  i: number;
  /** The class head's class index, or undefined when the image is not classed. */
  classId?: number;
}

/**
 * Trains the CNN on the train split, one epoch at a time: the class softmax on the classed images (categorical
 * cross-entropy, data dropout or class weights against imbalance) and the per-finding sigmoids on every labelled
 * image (masked binary cross-entropy), by SGD with momentum.
 */
export async function trainCnn(
  cnn: Cnn,
  data: CnnTrainingData,
  input: CnnTrainingOptions = {},
  control: CnnTrainingControl = {},
): Promise<EpochStats[]> {
  const options = CnnTrainingOptions.parse(input);
  const items = trainItems(data);
  const classed = items.filter((item) => item.classId !== undefined);
  const weights = classWeights(classed, data.classIndex.size, options);
  const epochOrder = epochOrders(items, data.classIndex, options);
  const optimizer = tf.train.momentum(options.learningRate, options.momentum);
  const random = new Random(options.seed);
  const history: EpochStats[] = [...(control.history ?? [])];
  const startEpoch = control.startEpoch ?? 0;
  const started = performance.now();
  try {
    for (let epoch = startEpoch; epoch < options.epochs; epoch++) {
      // Set every epoch, so a resumed run starts at the rate of the epoch it resumes.
      optimizer.setLearningRate(learningRateAt(options, epoch));
      const order = epochOrder(epoch, random);
      let lossSum = 0;
      let batches = 0;
      for (let at = 0; at < order.length; at += options.batchSize) {
        const batch = order.slice(at, at + options.batchSize).map((k) => items[k] as TrainItem);
        lossSum += trainStep(cnn, optimizer, batch, data, weights, options, random);
        batches++;
      }
      const stats = epochStats(
        epoch,
        startEpoch,
        options.epochs,
        order.length,
        lossSum / Math.max(1, batches),
        started,
      );
      history.push(stats);
      control.onEpoch?.(stats);
      control.afterEpoch?.(epoch, history);
      if (control.signal?.aborted && epoch + 1 < options.epochs) {
        throw cxrError('INTERRUPTED', `CNN training interrupted after epoch ${epoch + 1} of ${options.epochs}`, {
          epoch: epoch + 1,
        });
      }
    }
  } finally {
    disposeOptimizer(optimizer);
  }
  control.onPrior?.(trainedPrior(items, data.classIndex.size, weights, epochOrder, options));
  return history;
}

/** The train split's images the CNN learns from: every labelled one when there is a finding head, else the classed. */
function trainItems(data: CnnTrainingData): TrainItem[] {
  const labelOf = data.labelOf ?? ((example: TrainingExample) => example.className);
  const hasHead = (data.findings?.length ?? 0) > 0;
  return data.examples.flatMap((example, i) => {
    if (example.split !== 'train') return [];
    const label = labelOf(example, i);
    const classId = label === undefined ? undefined : data.classIndex.get(label);
    if (classId === undefined && !hasHead) return [];
    return [{ i, ...(classId === undefined ? {} : { classId }) }];
  });
}

/** Per class: n_total / (classes · n_class) under class weights, else 1. */
function classWeights(classed: TrainItem[], classes: number, options: ResolvedOptions): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const item of classed) counts[item.classId as number] = (counts[item.classId as number] as number) + 1;
  const present = counts.filter((n) => n > 0).length;
  return counts.map((n) => (options.imbalance === 'class-weights' && n > 0 ? classed.length / (present * n) : 1));
}

/**
 * Each epoch's order of items. Under data dropout the classed images follow the paper's plan (diseased replicated,
 * normal thinned; refined "normal#2" labels are still normal) and the unclassed ones come once each; otherwise
 * every item once, shuffled.
 */
function epochOrders(
  items: TrainItem[],
  classIndex: Map<string, number>,
  options: ResolvedOptions,
): (epoch: number, random: Random) => number[] {
  const names = [...classIndex.keys()];
  const classedPositions = items.flatMap((item, k) => (item.classId === undefined ? [] : [k]));
  const unclassed = items.flatMap((item, k) => (item.classId === undefined ? [k] : []));
  const dropoutLabel = (k: number) => {
    const name = names[(items[k] as TrainItem).classId as number] as string;
    return baseClass(name) === options.normalClass ? options.normalClass : name;
  };
  const labels = classedPositions.map(dropoutLabel);
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  const plan = dataDropoutPlan(counts, options.normalClass);
  return (epoch, random) => {
    if (options.imbalance !== 'data-dropout') return random.permutation(items.length);
    const seed = options.seed * 1000 + epoch;
    const classedOrder = dataDropoutEpoch(labels, plan, seed, options.normalClass).map(
      (j) => classedPositions[j] as number,
    );
    return unclassed.length === 0 ? classedOrder : new Random(seed).shuffle([...classedOrder, ...unclassed]);
  };
}

/** One SGD step on a batch; returns its loss. */
function trainStep(
  cnn: Cnn,
  optimizer: tf.Optimizer,
  batch: TrainItem[],
  data: CnnTrainingData,
  weights: number[],
  options: ResolvedOptions,
  random: Random,
): number {
  const findings = data.findings ?? [];
  const x = imageBatch(
    data.examples,
    batch.map((item) => item.i),
    data.geometry.size,
    data.geometry.crop,
    random,
    options.augment === undefined ? undefined : AugmentOptions.parse(options.augment),
  );
  const targets = batch.map((item) => findingTargets(data.examples[item.i] as TrainingExample, findings));
  const variables = cnn.network.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const cost = tf.tidy(() => {
    const classTargets = tf.tensor2d(
      batch.map((item) => oneHotRow(item.classId, data.classIndex.size)),
      [batch.length, data.classIndex.size],
    );
    const rowWeights = tf.tensor1d(
      batch.map((item) => (item.classId === undefined ? 0 : (weights[item.classId] as number))),
    );
    const classed = batch.filter((item) => item.classId !== undefined).length;
    const findingTensors =
      findings.length === 0
        ? undefined
        : {
            targets: tf.tensor2d(
              targets.map((t) => t.targets),
              [batch.length, findings.length],
            ),
            mask: tf.tensor2d(
              targets.map((t) => t.mask),
              [batch.length, findings.length],
            ),
          };
    return optimizer.minimize(
      () => {
        const outputs = cnn.network.apply(x, { training: true }) as tf.Tensor2D | tf.Tensor2D[];
        const [probabilities, findingProbabilities] = Array.isArray(outputs) ? outputs : [outputs];
        let loss = classLoss(probabilities as tf.Tensor2D, classTargets, rowWeights, classed);
        if (findingTensors !== undefined && findingProbabilities !== undefined) {
          const bce = findingLoss(findingProbabilities, findingTensors.targets, findingTensors.mask);
          loss = tf.add(loss, tf.mul(bce, options.findingWeight));
        }
        if (options.weightDecay > 0) loss = tf.add(loss, kernelPenalty(cnn, options.weightDecay));
        return loss as tf.Scalar;
      },
      true,
      variables,
    ) as tf.Scalar;
  });
  x.dispose();
  const value = cost.dataSync()[0] as number;
  cost.dispose();
  return value;
}

const EPSILON = 1e-7;

function oneHotRow(classId: number | undefined, classes: number): number[] {
  const row = new Array<number>(classes).fill(0);
  if (classId !== undefined) row[classId] = 1;
  return row;
}

/** Weighted categorical cross-entropy, averaged over the batch's classed images. */
function classLoss(probabilities: tf.Tensor2D, targets: tf.Tensor2D, weights: tf.Tensor1D, classed: number): tf.Scalar {
  const perImage = tf.neg(tf.sum(tf.mul(targets, tf.log(tf.clipByValue(probabilities, EPSILON, 1))), 1));
  return tf.div(tf.sum(tf.mul(perImage, weights)), Math.max(1, classed));
}

/** Binary cross-entropy over the findings the labels state (mask 1), averaged over them. */
function findingLoss(probabilities: tf.Tensor2D, targets: tf.Tensor2D, mask: tf.Tensor2D): tf.Scalar {
  const p = tf.clipByValue(probabilities, EPSILON, 1 - EPSILON);
  const bce = tf.neg(tf.add(tf.mul(targets, tf.log(p)), tf.mul(tf.sub(1, targets), tf.log(tf.sub(1, p)))));
  return tf.div(tf.sum(tf.mul(bce, mask)), tf.maximum(tf.sum(mask), 1));
}

/** weightDecay / 2 · Σ w² over the convolution and dense kernels (not batch-norm scales or biases). */
function kernelPenalty(cnn: Cnn, weightDecay: number): tf.Scalar {
  const kernels = cnn.network.trainableWeights.filter((weight) => weight.name.endsWith('kernel'));
  const sum = tf.addN(kernels.map((weight) => tf.sum(tf.square(weight.read()))));
  return tf.mul(sum, weightDecay / 2);
}

function epochStats(
  epoch: number,
  startEpoch: number,
  epochs: number,
  images: number,
  loss: number,
  started: number,
): EpochStats {
  const seconds = (performance.now() - started) / 1000;
  const done = epoch + 1 - startEpoch;
  return {
    epoch: epoch + 1,
    epochs,
    loss,
    images,
    imagesPerSecond: (images * done) / seconds,
    secondsLeft: (seconds / done) * (epochs - epoch - 1),
  };
}

/** The class prior the CNN learnt: true counts of the classed images, and what the last epoch showed of them. */
function trainedPrior(
  items: TrainItem[],
  classes: number,
  weights: number[],
  epochOrder: (epoch: number, random: Random) => number[],
  options: ResolvedOptions,
): TrainedPrior {
  const count = (positions: number[]) => {
    const counts = new Array<number>(classes).fill(0);
    for (const k of positions) {
      const classId = (items[k] as TrainItem).classId;
      if (classId !== undefined) counts[classId] = (counts[classId] as number) + 1;
    }
    return counts;
  };
  const trueCounts = count(items.map((_, k) => k));
  if (options.imbalance !== 'data-dropout') {
    return { trueCounts, shownCounts: trueCounts.map((n, c) => n * (weights[c] as number)) };
  }
  // Data dropout's draw depends on the epoch's seed only, so the last epoch's order can be drawn again.
  return { trueCounts, shownCounts: count(epochOrder(options.epochs - 1, new Random(options.seed))) };
}

/** The mined class a refined label came from: `calcified granuloma#3` → `calcified granuloma`. */
export function baseClass(label: string): string {
  const at = label.lastIndexOf('#');
  return at < 0 ? label : label.slice(0, at);
}
