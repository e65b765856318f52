/**
 * The pixel baseline: logistic regression on standardised 32×32 pixels (training means and deviations), its L2
 * strength tuned on the validation patients, one model per task (Pneumonia vs No Finding, each finding).
 */
import { decodeGrey } from '../../src/datasets/images/decode.js';
import type { LabelledImage } from './dataset.js';
import { fitStandardiser, type Matrix, matrixOf, predictLogistic, standardise, tunedLogistic } from './logistic.js';
import { cpuSeconds, findingLabel, pneumoniaLabel, type Scores } from './scores.js';

export const PIXEL_SIZE = 32;

interface Split {
  images: LabelledImage[];
  x: Matrix;
}

/** Trains the baseline on `images` (all splits) and scores their test split, in order. */
export async function pixelScores(images: LabelledImage[], findings: string[]): Promise<Scores> {
  // Timed from decoding on, as the cascade's training time includes loading its images.
  const started = performance.now();
  const cpu = process.cpuUsage();
  const decoded = await Promise.all(images.map((image) => decodeGrey(image.file, PIXEL_SIZE, 'area')));
  const raw = (split: string) => {
    const members = images.flatMap((image, i) => (image.split === split ? [{ image, pixels: decoded[i]?.data }] : []));
    return { images: members.map((m) => m.image), x: matrixOf(members.map((m) => m.pixels as Float32Array)) };
  };
  const [train, validation, test] = [raw('train'), raw('validation'), raw('test')];
  const standardiser = fitStandardiser(train.x);
  for (const split of [train, validation, test]) split.x = standardise(split.x, standardiser);
  const pneumonia = fitTask(train, validation, test, pneumoniaLabel);
  const perFinding = findings.map((finding) => ({
    finding,
    ...fitTask(train, validation, test, (image) => findingLabel(image, finding)),
  }));
  return {
    name: 'pixels (logistic, 32²)',
    pneumonia: pneumonia.scores,
    findings: new Map(perFinding.map((task) => [task.finding, task.scores])),
    embeddings: Array.from({ length: test.x.rows }, (_, r) =>
      test.x.data.subarray(r * test.x.cols, (r + 1) * test.x.cols),
    ),
    trainingSeconds: (performance.now() - started) / 1000,
    trainingCpuSeconds: cpuSeconds(process.cpuUsage(cpu)),
    details: {
      pneumonia: pneumonia.tuning,
      findings: Object.fromEntries(perFinding.map((task) => [task.finding, task.tuning])),
    },
  };
}

/** One task's tuned model, trained and tuned on the images the task labels, scoring every test image. */
function fitTask(
  train: Split,
  validation: Split,
  test: Split,
  label: (image: LabelledImage) => 0 | 1 | undefined,
): { scores: number[]; tuning: { l2: number; validationAuroc: Record<string, number> } } {
  const labelled = (split: Split) => {
    const rows = split.images.flatMap((image, r) => (label(image) === undefined ? [] : [r]));
    return { x: rowsOf(split.x, rows), y: rows.map((r) => label(split.images[r] as LabelledImage) as number) };
  };
  const [t, v] = [labelled(train), labelled(validation)];
  const { model, validationAuroc } = tunedLogistic(t.x, t.y, v.x, v.y);
  return { scores: predictLogistic(model, test.x), tuning: { l2: model.l2, validationAuroc } };
}

function rowsOf(x: Matrix, rows: number[]): Matrix {
  const data = new Float64Array(rows.length * x.cols);
  rows.forEach((r, i) => {
    data.set(x.data.subarray(r * x.cols, (r + 1) * x.cols), i * x.cols);
  });
  return { rows: rows.length, cols: x.cols, data };
}
