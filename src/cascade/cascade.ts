import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { cxrError } from '../errors.js';
import { type Calibration, calibrateClasses, fitCalibration } from './calibration/calibration.js';
import { applyPlatt, IDENTITY_SCALING } from './calibration/platt.js';
import type { Checkpoints } from './checkpoints.js';
import type { TrainingExample, TrainingSet } from './data/training-set.js';
import { type CropOffset, ViewsOption, viewOffsets } from './data/views.js';
import { type AnnotationReport, classFirstWords, evaluateAnnotations } from './evaluation/annotation.js';
import { aurocPerClass } from './evaluation/auroc.js';
import { calibrationError, topLabelCalibrationError } from './evaluation/calibration-error.js';
import { type FindingAuroc, findingAurocs } from './evaluation/finding-auroc.js';
import { type Cnn, CnnOptions, createCnn, FINDINGS_LAYER } from './models/cnn.js';
import { RnnDecoder, RnnOptions } from './models/rnn.js';
import { RelabelOptions, relabelByContext } from './relabel/relabel.js';
import { applyCorrection, priorCorrection } from './training/data-dropout.js';
import { embedExamples } from './training/embeddings.js';
import { chooseFindings, statedLabels } from './training/finding-targets.js';
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
  /**
   * The per-finding head: one sigmoid per finding that at least `minCases` training images state present (and as
   * many do not), trained on every labelled image, classed or not.
   */
  findings: z
    .object({ enabled: z.boolean().default(true), minCases: z.number().int().min(1).default(10) })
    .prefault({}),
  /**
   * The crops every image is read at after training (calibration, evaluation, annotation), outputs averaged:
   * `centre` alone, or `shifts` (the centre and four half-margin shifts: test-time augmentation).
   */
  views: ViewsOption.default('centre'),
});
export type CascadeOptions = z.input<typeof CascadeOptions>;

/** One finding of the head on the test images: AUROC with its bootstrap 95% interval, and the ROC curve. */
export type FindingReport = FindingAuroc;

/** Expected calibration error (10 bins) on the held-out images, before and after the validation-fitted calibration. */
export interface CalibrationReport {
  classTemperature: number;
  classEce: { before: number; after: number };
  /** Over every (image, finding) pair the labels state. */
  findingEce?: { before: number; after: number };
}

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
  /** Absent in reports of bundles trained before the head and the calibration. */
  findings?: FindingReport[];
  calibration?: CalibrationReport;
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
  /** The finding head's findings, in output order (empty without a head). */
  findings: string[];
  /** Fitted on the validation split for the final CNN. */
  calibration: Calibration;
  /**
   * Each CNN's mean embedding over its training images: subtracted from the embeddings search indexes, so that
   * cosine compares what differs between images, not the direction every ReLU-pooled embedding shares.
   */
  embeddingCentre: { first: number[]; final: number[] };
  reports: IterationReport[];
  geometry: { size: number; crop: number; views: CropOffset[] };
  options: z.output<typeof CascadeOptions>;
  dispose(): void;
}

export type CascadeProgress = (stage: string, stats: EpochStats) => void;

/** The image side to decode at for a model input: the paper's 256 → 224 ratio leaves room for random crops. */
export function decodeSizeFor(inputSize: number): number {
  return Math.round((inputSize * 256) / 224);
}

/**
 * The recurrent neural cascade: train the CNN on the mined classes (and its per-finding head on every labelled
 * image), the RNN on its embeddings; compute each training image's joint image/text context, split the large
 * classes by k-means into new labels, and train both again, `iterations` times. Every iteration is calibrated on
 * the validation split and evaluated on the test split.
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
  const geometry = {
    size: set.size,
    crop: options.cnn.inputSize,
    views: viewOffsets(options.views, set.size, options.cnn.inputSize),
  };
  const examples = set.examples;
  const inSplit = (split: string, classedOnly: boolean) =>
    examples.flatMap((e, i) => (e.split === split && (!classedOnly || e.className !== undefined) ? [i] : []));
  const trainIdx = inSplit('train', true);
  const findings = options.findings.enabled ? chooseFindings(examples, options.findings.minCases) : [];
  const vocabulary = Vocabulary.fromSequences(trainIdx.map((i) => (examples[i] as TrainingExample).sequence));
  let labels = new Map(trainIdx.map((i) => [i, (examples[i] as TrainingExample).className as string]));
  const reports: IterationReport[] = [];
  let firstCnn: Cnn | undefined;
  let firstClasses: string[] = [];
  let previous: Cnn | undefined;
  let decoder: RnnDecoder | undefined;
  let classes: string[] = [];
  let firstWords: number[] = [];
  let correction: number[] = [];
  let calibration: Calibration = { classTemperature: 1, findings: [] };
  let centre: { first?: number[]; final?: number[] } = {};
  const saved = checkpoints?.load();
  const cnnFor = (iteration: number, count: number) =>
    createCnn({ ...options.cnn, classes: count, findings: findings.length, seed: options.seed + 100 * iteration });
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
      calibration = (saved.calibration as Calibration | undefined) ?? calibration;
      centre = saved.embeddingCentre ?? centre;
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
    else if (previous !== undefined && options.warmStart) warmStart(cnn, previous);
    const state = (epochs: number, history: EpochStats[]) => ({
      iteration,
      cnnEpochs: epochs,
      labels: [...labels],
      correction,
      firstWords,
      calibration,
      embeddingCentre: centre,
      reports,
      cnnHistory: history,
    });
    const cnnHistory = await trainCnn(
      cnn,
      {
        examples,
        classIndex: new Map(classes.map((name, i) => [name, i])),
        geometry,
        labelOf: (_, i) => labels.get(i),
        findings,
      },
      { ...options.cnnTraining, seed: options.cnnTraining.seed + iteration },
      {
        onEpoch: (stats) => progress?.(`cnn ${iteration}`, stats),
        onPrior: (prior) => {
          correction = priorCorrection(prior.trueCounts, prior.shownCounts);
        },
        startEpoch: resumedEpochs,
        history: resumedEpochs > 0 ? (saved?.cnnHistory as EpochStats[]) : [],
        signal,
        afterEpoch: (epoch, history) => {
          if (checkpoints === undefined) return;
          checkpoints.saveWeights(`cnn-${iteration}`, cnn.network.getWeights());
          checkpoints.save(state(epoch + 1, history));
        },
      },
    );
    // The decoder and the relabelling learn from the centre crops; what is read after training uses the views.
    const train = embedExamples(cnn, examples, trainIdx, { size: geometry.size, crop: geometry.crop });
    const mean = geometry.views.length === 1 ? meanRow(train.embeddings) : viewsMean(cnn, examples, trainIdx, geometry);
    centre = iteration === 0 ? { first: mean, final: mean } : { ...centre, final: mean };
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
    const held = { cnn, examples, classes, baseClasses, findings, correction, geometry };
    calibration = calibrate(held, inSplit('validation', false));
    const report = evaluateIteration(
      { ...held, decoder, vocabulary, firstWords, calibration, maxWords: options.rnnTraining.maxWords },
      inSplit('test', false),
    );
    reports.push({ iteration, ...report, cnnHistory, rnnHistory });
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
    findings,
    calibration,
    embeddingCentre: { first: centre.first ?? [], final: centre.final ?? [] },
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

/** The mean of a matrix's rows (an empty row for no rows). */
function meanRow(rows: tf.Tensor2D): number[] {
  if (rows.shape[0] === 0) return [];
  return tf.tidy(() => rows.mean(0).arraySync() as number[]);
}

/** The mean embedding of examples as they are read after training (averaged over the views). */
function viewsMean(cnn: Cnn, examples: TrainingExample[], indices: number[], geometry: HeldOutContext['geometry']) {
  const readout = embedExamples(cnn, examples, indices, geometry);
  const mean = meanRow(readout.embeddings);
  readout.embeddings.dispose();
  return mean;
}

/** A refined CNN starts from the previous one's layers: all but the class softmax, whose classes changed. */
function warmStart(cnn: Cnn, previous: Cnn): void {
  cnn.embedder.setWeights(previous.embedder.getWeights());
  if (cnn.findingCount > 0 && previous.findingCount === cnn.findingCount) {
    cnn.network.getLayer(FINDINGS_LAYER).setWeights(previous.network.getLayer(FINDINGS_LAYER).getWeights());
  }
}

function restoreWeights(cnn: Cnn, checkpoints: Checkpoints, name: string): void {
  const weights = checkpoints.loadWeights(name);
  if (weights === undefined) throw cxrError('INTERNAL', `checkpoint ${name} is missing its weights`);
  cnn.network.setWeights(weights);
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

/** A trained CNN and what its outputs mean: enough to read held-out images. */
interface HeldOutContext {
  cnn: Cnn;
  examples: TrainingExample[];
  classes: string[];
  baseClasses: string[];
  findings: string[];
  correction: number[];
  geometry: { size: number; crop: number; views: CropOffset[] };
}

/** The CNN's outputs on held-out images, prior-corrected, with the labels they are judged by. */
function heldOutOutputs(context: HeldOutContext, indices: number[]) {
  const readout = embedExamples(context.cnn, context.examples, indices, context.geometry);
  const classed = indices.flatMap((i, k) =>
    (context.examples[i] as TrainingExample).className === undefined ? [] : [k],
  );
  const findingLabels = indices.map((i) => statedLabels(context.examples[i] as TrainingExample, context.findings));
  return {
    readout,
    classed,
    outputs: {
      classProbabilities: classed.map((k) => applyCorrection(readout.probabilities[k] as number[], context.correction)),
      classTruth: classed.map((k) =>
        context.baseClasses.indexOf((context.examples[indices[k] as number] as TrainingExample).className as string),
      ),
      classGroups: context.classes.map((name) => context.baseClasses.indexOf(baseClass(name))),
      findingProbabilities: readout.findings,
      findingLabels,
    },
  };
}

/** Calibration fitted on the validation images (the identity where there are none). */
function calibrate(context: HeldOutContext, validationIdx: number[]): Calibration {
  const { readout, outputs } = heldOutOutputs(context, validationIdx);
  readout.embeddings.dispose();
  return fitCalibration(outputs, context.findings.length);
}

interface EvaluationContext extends HeldOutContext {
  decoder: RnnDecoder;
  vocabulary: Vocabulary;
  firstWords: number[];
  calibration: Calibration;
  maxWords: number;
}

/** An iteration on the test images: class accuracy, confusion, AUROC, annotation, the finding head, calibration. */
function evaluateIteration(
  context: EvaluationContext,
  testIdx: number[],
): Omit<IterationReport, 'iteration' | 'cnnHistory' | 'rnnHistory'> {
  const { examples, classes, baseClasses, calibration } = context;
  const { readout, classed, outputs } = heldOutOutputs(context, testIdx);
  const calibrated = outputs.classProbabilities.map((p) => calibrateClasses(p, calibration));
  const toBase = (p: number[]) =>
    baseClasses.map((base) =>
      classes.reduce((sum, name, c) => (baseClass(name) === base ? sum + (p[c] as number) : sum), 0),
    );
  const truth = outputs.classTruth;
  const predictedClass = calibrated.map((p) => p.indexOf(Math.max(...p)));
  const predictedBase = predictedClass.map((c) => baseClasses.indexOf(baseClass(classes[c] as string)));
  const classAccuracy = truth.length === 0 ? 0 : truth.filter((t, n) => t === predictedBase[n]).length / truth.length;
  const confusion = baseClasses.map(() => baseClasses.map(() => 0));
  truth.forEach((t, n) => {
    const row = confusion[t];
    if (row !== undefined) row[predictedBase[n] as number] = (row[predictedBase[n] as number] as number) + 1;
  });
  const classedEmbeddings = tf.tidy(() => tf.gather(readout.embeddings, classed));
  readout.embeddings.dispose();
  const annotation = evaluateAnnotations(
    context.decoder,
    context.vocabulary,
    classedEmbeddings,
    predictedClass.map((c) => context.firstWords[c] as number),
    classed.map((k) => (examples[testIdx[k] as number] as TrainingExample).sequence),
    context.maxWords,
  );
  classedEmbeddings.dispose();
  return {
    classes,
    classAccuracy,
    confusion,
    auroc: aurocPerClass(calibrated.map(toBase), truth, baseClasses),
    annotation,
    findings: findingAurocs(
      context.findings,
      outputs.findingProbabilities,
      outputs.findingLabels,
      testIdx.map((i) => (examples[i] as TrainingExample).patientId ?? (examples[i] as TrainingExample).imageId),
      500,
    ),
    calibration: calibrationReport(
      outputs,
      calibrated.map(toBase),
      outputs.classProbabilities.map(toBase),
      calibration,
    ),
  };
}

function calibrationReport(
  outputs: ReturnType<typeof heldOutOutputs>['outputs'],
  calibratedBase: number[][],
  rawBase: number[][],
  calibration: Calibration,
): CalibrationReport {
  const pairs = outputs.findingLabels.flatMap((row, n) =>
    row.flatMap((label, f) => (label === -1 ? [] : [{ p: outputs.findingProbabilities[n]?.[f] as number, f, label }])),
  );
  const findingEce =
    pairs.length === 0
      ? undefined
      : {
          before: calibrationError(
            pairs.map((pair) => pair.p),
            pairs.map((pair) => pair.label),
          ),
          after: calibrationError(
            pairs.map((pair) => applyPlatt(pair.p, calibration.findings[pair.f] ?? IDENTITY_SCALING)),
            pairs.map((pair) => pair.label),
          ),
        };
  return {
    classTemperature: calibration.classTemperature,
    classEce: {
      before: topLabelCalibrationError(rawBase, outputs.classTruth),
      after: topLabelCalibrationError(calibratedBase, outputs.classTruth),
    },
    ...(findingEce === undefined ? {} : { findingEce }),
  };
}
