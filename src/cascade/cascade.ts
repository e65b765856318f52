import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { cxrError } from '../errors.js';
import type { Checkpoints } from './checkpoints.js';
import type { TrainingExample, TrainingSet } from './data/training-set.js';
import { type AnnotationReport, classFirstWords, evaluateAnnotations } from './evaluation/annotation.js';
import { aurocPerClass } from './evaluation/auroc.js';
import { type Cnn, CnnOptions, createCnn } from './models/cnn.js';
import { RnnDecoder, RnnOptions } from './models/rnn.js';
import { RelabelOptions, relabelByContext } from './relabel/relabel.js';
import { applyCorrection, priorCorrection } from './training/data-dropout.js';
import { embedExamples } from './training/embeddings.js';
import { baseClass, CnnTrainingOptions, type EpochStats, trainCnn } from './training/train-cnn.js';
import { RnnTrainingOptions, teacherForcing, trainRnn } from './training/train-rnn.js';
import { Vocabulary } from './vocabulary.js';

export const CascadeOptions = z.object({
  cnn: CnnOptions.omit({ classes: true }).prefault({}),
  cnnTraining: CnnTrainingOptions.prefault({}),
  rnn: RnnOptions.pick({ cell: true, layers: true, units: true, words: true, wordDims: true, init: true }).prefault({}),
  rnnTraining: RnnTrainingOptions.prefault({}),
  /** Refinement iterations after the first (the paper: 1). */
  iterations: z.number().int().min(0).max(5).default(1),
  relabel: RelabelOptions.prefault({}),
  /** Start each refined CNN from the previous one's weights (its classifier head aside). */
  warmStart: z.boolean().default(true),
  /** Seeds the CNNs' and decoders' initialisation and the relabelling (training seeds are in their options). */
  seed: z.number().int().default(1),
});
export type CascadeOptions = z.input<typeof CascadeOptions>;

export interface IterationReport {
  iteration: number;
  classes: string[];
  cnnHistory: EpochStats[];
  rnnHistory: EpochStats[];
  /** On the held-out (test) images, at the level of the mined classes (refined classes map back to theirs). */
  classAccuracy: number;
  /** Test images by true mined class (rows) and predicted mined class (columns), in `baseClasses` order. */
  confusion: number[][];
  auroc: Record<string, number>;
  annotation: AnnotationReport;
  relabelled?: Array<{ label: string; images: number; clusters: number }>;
}

export interface TrainedCascade {
  vocabulary: Vocabulary;
  baseClasses: string[];
  /** The first iteration's CNN (kept for search) and the final CNN with its decoder and classes. */
  firstCnn: Cnn;
  firstClasses: string[];
  finalCnn: Cnn;
  finalClasses: string[];
  decoder: RnnDecoder;
  firstWords: number[];
  /** Multiplies the final CNN's probabilities to undo the class prior its imbalance handling taught. */
  priorCorrection: number[];
  reports: IterationReport[];
  geometry: { size: number; crop: number };
  options: z.output<typeof CascadeOptions>;
  dispose(): void;
}

export type CascadeProgress = (stage: string, stats: EpochStats) => void;

/** The image side to decode at for a model input: the paper's 256 → 224 ratio leaves room for random crops. */
export function decodeSizeFor(inputSize: number): number {
  return Math.round((inputSize * 256) / 224);
}

/**
 * The recurrent neural cascade: train the CNN on the mined classes, the RNN on its embeddings; compute each
 * training image's joint image/text context, split the large classes by k-means into new labels, and train both
 * again, `iterations` times. Every iteration is evaluated on the test split.
 */
export async function trainCascade(
  set: TrainingSet,
  baseClasses: string[],
  input: CascadeOptions,
  progress?: CascadeProgress,
  control: { checkpoints?: Checkpoints; signal?: AbortSignal } = {},
): Promise<TrainedCascade> {
  const options = CascadeOptions.parse(input);
  const { checkpoints, signal } = control;
  const geometry = { size: set.size, crop: options.cnn.inputSize };
  const examples = set.examples;
  const trainIdx = examples.flatMap((e, i) => (e.split === 'train' ? [i] : []));
  const testIdx = examples.flatMap((e, i) => (e.split === 'test' ? [i] : []));
  const vocabulary = Vocabulary.fromSequences(trainIdx.map((i) => (examples[i] as TrainingExample).sequence));
  let labels = new Map(trainIdx.map((i) => [i, (examples[i] as TrainingExample).className]));
  const reports: IterationReport[] = [];
  let firstCnn: Cnn | undefined;
  let firstClasses: string[] = [];
  let previous: Cnn | undefined;
  let decoder: RnnDecoder | undefined;
  let classes: string[] = [];
  let firstWords: number[] = [];
  let correction: number[] = [];
  const saved = checkpoints?.load();
  const cnnFor = (iteration: number, count: number) =>
    createCnn({ ...options.cnn, classes: count, seed: options.seed + 100 * iteration });
  if (saved !== undefined) {
    // Resume: the finished iterations' reports and labels, the first CNN and the last finished one (warm start).
    labels = new Map(saved.labels);
    correction = saved.correction;
    reports.push(...(saved.reports as IterationReport[]));
    for (const [iteration, report] of reports.entries()) {
      if (iteration !== 0 && iteration !== reports.length - 1) continue;
      const cnn = cnnFor(iteration, report.classes.length);
      restoreWeights(cnn, checkpoints as Checkpoints, `cnn-${iteration}`);
      if (iteration === 0) {
        firstCnn = cnn;
        firstClasses = report.classes;
      }
      previous = cnn;
    }
    const last = reports.at(-1);
    if (last !== undefined && previous !== undefined) {
      // The finished iteration's decoder, for a run interrupted after its last iteration (before the bundle).
      classes = last.classes;
      firstWords = saved.firstWords;
      decoder = new RnnDecoder({
        ...options.rnn,
        vocabularySize: vocabulary.size,
        embeddingSize: previous.embeddingSize,
        seed: options.seed + last.iteration,
      });
      const weights = (checkpoints as Checkpoints).loadWeights('rnn') ?? [];
      decoder.setWeights(weights);
      tf.dispose(weights);
    }
  }
  for (let iteration = reports.length; iteration <= options.iterations; iteration++) {
    classes = orderedClasses([...labels.values()], baseClasses);
    const cnn = cnnFor(iteration, classes.length);
    const resumedEpochs = saved?.iteration === iteration ? saved.cnnEpochs : 0;
    if (resumedEpochs > 0) restoreWeights(cnn, checkpoints as Checkpoints, `cnn-${iteration}`);
    else if (previous !== undefined && options.warmStart) cnn.embedder.setWeights(previous.embedder.getWeights());
    const state = (epochs: number, history: EpochStats[]) => ({
      iteration,
      cnnEpochs: epochs,
      labels: [...labels],
      correction,
      firstWords,
      reports,
      cnnHistory: history,
    });
    const cnnHistory = await trainCnn(
      cnn,
      examples,
      new Map(classes.map((name, i) => [name, i])),
      geometry,
      { ...options.cnnTraining, seed: options.cnnTraining.seed + iteration },
      (stats) => progress?.(`cnn ${iteration}`, stats),
      (_, i) => labels.get(i),
      (prior) => {
        correction = priorCorrection(prior.trueCounts, prior.shownCounts);
      },
      {
        startEpoch: resumedEpochs,
        history: resumedEpochs > 0 ? (saved?.cnnHistory as EpochStats[]) : [],
        signal,
        afterEpoch: (epoch, history) => {
          if (checkpoints === undefined) return;
          checkpoints.saveWeights(`cnn-${iteration}`, cnn.classifier.getWeights());
          checkpoints.save(state(epoch + 1, history));
        },
      },
    );
    const train = embedExamples(cnn, examples, trainIdx, geometry);
    decoder?.dispose();
    decoder = new RnnDecoder({
      ...options.rnn,
      vocabularySize: vocabulary.size,
      embeddingSize: cnn.embeddingSize,
      seed: options.seed + iteration,
    });
    const rnnHistory = trainRnn(
      decoder,
      train.embeddings,
      trainIdx.map((i) => (examples[i] as TrainingExample).sequence),
      vocabulary,
      options.rnnTraining,
      (stats) => progress?.(`rnn ${iteration}`, stats),
    );
    firstWords = classFirstWords(
      classes,
      trainIdx.map((i) => ({
        className: labels.get(i) as string,
        sequence: (examples[i] as TrainingExample).sequence,
      })),
      vocabulary,
    );
    const report = evaluateIteration(
      iteration,
      cnn,
      decoder,
      vocabulary,
      examples,
      testIdx,
      classes,
      baseClasses,
      firstWords,
      correction,
      geometry,
      options,
    );
    reports.push({ ...report, cnnHistory, rnnHistory });
    if (iteration < options.iterations) {
      const contexts = jointContexts(
        decoder,
        vocabulary,
        train.embeddings,
        trainIdx.map((i) => (examples[i] as TrainingExample).sequence),
        options,
      );
      const relabelled = relabelByContext(
        trainIdx.map((i) => labels.get(i) as string),
        contexts,
        { ...options.relabel, seed: options.relabel.seed + iteration },
      );
      labels = new Map(trainIdx.map((i, k) => [i, relabelled.labels[k] as string]));
      (reports.at(-1) as IterationReport).relabelled = relabelled.split;
    }
    train.embeddings.dispose();
    checkpoints?.saveWeights('rnn', decoder.variables);
    checkpoints?.save({ ...state(0, []), iteration: iteration + 1, labels: [...labels] });
    if (signal?.aborted && iteration < options.iterations) {
      throw cxrError('INTERRUPTED', `the cascade was interrupted after iteration ${iteration}`, { iteration });
    }
    if (iteration === 0) {
      firstCnn = cnn;
      firstClasses = classes;
    } else if (previous !== firstCnn) previous?.dispose();
    previous = cnn;
  }
  const finalCnn = previous as Cnn;
  const first = firstCnn as Cnn;
  const finalDecoder = decoder as RnnDecoder;
  return {
    vocabulary,
    baseClasses,
    firstCnn: first,
    firstClasses,
    finalCnn,
    finalClasses: classes,
    decoder: finalDecoder,
    firstWords,
    priorCorrection: correction,
    reports,
    geometry,
    options,
    dispose() {
      finalDecoder.dispose();
      if (finalCnn !== first) finalCnn.dispose();
      first.dispose();
    },
  };
}

function restoreWeights(cnn: Cnn, checkpoints: Checkpoints, name: string): void {
  const weights = checkpoints.loadWeights(name);
  if (weights === undefined) throw cxrError('INTERNAL', `checkpoint ${name} is missing its weights`);
  cnn.classifier.setWeights(weights);
  tf.dispose(weights);
}

/** Mined classes first in their mined order, each followed by its refined sub-classes. */
function orderedClasses(labels: string[], baseClasses: string[]): string[] {
  const present = [...new Set(labels)];
  return baseClasses.flatMap((base) => present.filter((label) => baseClass(label) === base).sort());
}

function jointContexts(
  decoder: RnnDecoder,
  vocabulary: Vocabulary,
  embeddings: tf.Tensor2D,
  sequences: string[][],
  options: z.output<typeof CascadeOptions>,
): number[][] {
  const batch = teacherForcing(
    sequences.map((s) => vocabulary.encode(s)),
    options.rnnTraining.maxWords,
  );
  const contexts = tf.tidy(() => decoder.jointContext(embeddings, batch.inputs, batch.mask).arraySync() as number[][]);
  tf.dispose([batch.inputs, batch.targets, batch.mask]);
  return contexts;
}

function evaluateIteration(
  iteration: number,
  cnn: Cnn,
  decoder: RnnDecoder,
  vocabulary: Vocabulary,
  examples: TrainingExample[],
  testIdx: number[],
  classes: string[],
  baseClasses: string[],
  firstWords: number[],
  correction: number[],
  geometry: { size: number; crop: number },
  options: z.output<typeof CascadeOptions>,
): Omit<IterationReport, 'cnnHistory' | 'rnnHistory'> {
  const { embeddings, probabilities: raw } = embedExamples(cnn, examples, testIdx, geometry);
  const probabilities = raw.map((p) => applyCorrection(p, correction));
  // Probability of each mined class = the sum over its refined sub-classes.
  const baseProbabilities = probabilities.map((p) =>
    baseClasses.map((base) =>
      classes.reduce((sum, name, c) => (baseClass(name) === base ? sum + (p[c] as number) : sum), 0),
    ),
  );
  const truth = testIdx.map((i) => baseClasses.indexOf((examples[i] as TrainingExample).className));
  const predictedClass = probabilities.map((p) => p.indexOf(Math.max(...p)));
  const predictedBase = predictedClass.map((c) => baseClasses.indexOf(baseClass(classes[c] as string)));
  const classAccuracy = truth.length === 0 ? 0 : truth.filter((t, n) => t === predictedBase[n]).length / truth.length;
  const perClass = aurocPerClass(baseProbabilities, truth, baseClasses);
  const confusion = baseClasses.map(() => baseClasses.map(() => 0));
  truth.forEach((t, n) => {
    const row = confusion[t];
    if (row !== undefined) row[predictedBase[n] as number] = (row[predictedBase[n] as number] as number) + 1;
  });
  const annotation = evaluateAnnotations(
    decoder,
    vocabulary,
    embeddings,
    predictedClass.map((c) => firstWords[c] as number),
    testIdx.map((i) => (examples[i] as TrainingExample).sequence),
    options.rnnTraining.maxWords,
  );
  embeddings.dispose();
  return { iteration, classes, classAccuracy, confusion, auroc: perClass, annotation };
}
