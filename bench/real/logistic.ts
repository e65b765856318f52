/**
 * L2-regularised logistic regression in plain TypeScript, deterministic (zero start, fixed steps): the pixel
 * baseline every cascade figure of the benchmark is compared with.
 */
import { auroc } from '../../src/cascade/evaluation/auroc.js';

/** Row-major `rows`×`cols`. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

export interface LogisticModel {
  weights: Float64Array;
  bias: number;
  l2: number;
}

export interface Standardiser {
  mean: Float64Array;
  std: Float64Array;
}

/** L2 strengths tried on the validation patients. */
export const L2_GRID = [0.01, 0.03, 0.1, 0.3, 1, 3, 10];
/** Used when validation lacks a class and cannot choose. */
const FALLBACK_L2 = 0.1;

export function matrixOf(rows: ArrayLike<number>[]): Matrix {
  const cols = rows[0]?.length ?? 0;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, r) => {
    data.set(Array.from(row), r * cols);
  });
  return { rows: rows.length, cols, data };
}

/** Per-column mean and standard deviation (a constant column gets 1, so it stays 0 after standardising). */
export function fitStandardiser(x: Matrix): Standardiser {
  const mean = new Float64Array(x.cols);
  const std = new Float64Array(x.cols);
  for (let c = 0; c < x.cols; c++) {
    let sum = 0;
    for (let r = 0; r < x.rows; r++) sum += x.data[r * x.cols + c] as number;
    const m = sum / x.rows;
    let squares = 0;
    for (let r = 0; r < x.rows; r++) squares += ((x.data[r * x.cols + c] as number) - m) ** 2;
    mean[c] = m;
    std[c] = Math.sqrt(squares / x.rows) || 1;
  }
  return { mean, std };
}

export function standardise(x: Matrix, s: Standardiser): Matrix {
  const data = x.data.map((v, i) => (v - (s.mean[i % x.cols] as number)) / (s.std[i % x.cols] as number));
  return { ...x, data };
}

/**
 * Minimises mean log loss + l2/2·‖w‖² (bias free) by Nesterov-accelerated gradient descent with the step 1/L,
 * L the loss's smoothness bound (¼ of XᵀX/n's top eigenvalue, by power iteration, plus l2).
 */
export function fitLogistic(x: Matrix, y: ArrayLike<number>, l2: number, iterations = 300): LogisticModel {
  const step = 1 / (smoothness(x) + l2);
  let w = new Float64Array(x.cols + 1); // the last entry is the bias
  let previous = w;
  for (let t = 1; t <= iterations; t++) {
    const momentum = (t - 1) / (t + 2);
    const look = w.map((v, i) => v + momentum * (v - (previous[i] as number)));
    const gradient = gradientAt(x, y, look, l2);
    previous = w;
    w = look.map((v, i) => v - step * (gradient[i] as number));
  }
  return { weights: w.subarray(0, x.cols), bias: w[x.cols] as number, l2 };
}

export function predictLogistic(model: LogisticModel, x: Matrix): number[] {
  return Array.from({ length: x.rows }, (_, r) => sigmoid(dot(x, r, model.weights) + model.bias));
}

/** The grid's model with the best validation AUROC (ties: the stronger regularisation), each fit on `train`. */
export function tunedLogistic(
  train: Matrix,
  trainLabels: number[],
  validation: Matrix,
  validationLabels: number[],
): { model: LogisticModel; validationAuroc: Record<string, number> } {
  const validationAuroc: Record<string, number> = {};
  let best: { model: LogisticModel; score: number } | undefined;
  for (const l2 of [...L2_GRID].reverse()) {
    const model = fitLogistic(train, trainLabels, l2);
    const score = auroc(predictLogistic(model, validation), validationLabels);
    validationAuroc[String(l2)] = score;
    if (!Number.isNaN(score) && (best === undefined || score > best.score)) best = { model, score };
  }
  return { model: best?.model ?? fitLogistic(train, trainLabels, FALLBACK_L2), validationAuroc };
}

function gradientAt(x: Matrix, y: ArrayLike<number>, w: Float64Array, l2: number): Float64Array {
  const gradient = new Float64Array(x.cols + 1);
  let biasGradient = 0;
  for (let r = 0; r < x.rows; r++) {
    const error = (sigmoid(dot(x, r, w) + (w[x.cols] as number)) - (y[r] as number)) / x.rows;
    addScaledRow(gradient, x, r, error);
    biasGradient += error;
  }
  for (let c = 0; c < x.cols; c++) gradient[c] = (gradient[c] as number) + l2 * (w[c] as number);
  gradient[x.cols] = biasGradient;
  return gradient;
}

/** target[0…cols) += scale · row r of x. */
function addScaledRow(target: Float64Array, x: Matrix, r: number, scale: number): void {
  const offset = r * x.cols;
  for (let c = 0; c < x.cols; c++) target[c] = (target[c] as number) + scale * (x.data[offset + c] as number);
}

/** ¼ λ_max(XᵀX/n) (+¼ for the bias column), by 30 power iterations from a constant vector. */
function smoothness(x: Matrix): number {
  let v = new Float64Array(x.cols).fill(1 / Math.sqrt(x.cols));
  let eigenvalue = 0;
  for (let k = 0; k < 30; k++) {
    const xv = Array.from({ length: x.rows }, (_, r) => dot(x, r, v));
    const next = new Float64Array(x.cols);
    for (let r = 0; r < x.rows; r++) addScaledRow(next, x, r, (xv[r] as number) / x.rows);
    eigenvalue = Math.hypot(...next);
    v = next.map((value) => value / (eigenvalue || 1));
  }
  return (eigenvalue + 1) / 4;
}

function dot(x: Matrix, row: number, w: ArrayLike<number>): number {
  let sum = 0;
  const offset = row * x.cols;
  for (let c = 0; c < x.cols; c++) sum += (x.data[offset + c] as number) * (w[c] as number);
  return sum;
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}
