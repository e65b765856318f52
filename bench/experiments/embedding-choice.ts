/**
 * Which embedding should the index hold for "more like this", and does test-time augmentation help? Offline, on
 * ONE bundle saved by `train-bundle.ts` (the defaults trained on the NIH sample's training patients): every image
 * is read by the final CNN at a 3×3 grid of crop offsets within the decode margin (centre included), and on the
 * test images it measures image-neighbour precision@10 (Pneumonia vs No Finding, the bench's figure) for embedding
 * choices whose statistics are fitted on the training images only, by cosine and by L2; and AUROC / ECE of the
 * calibrated Pneumonia probability for crop averages, paired against the pixel model fitted in the same run.
 *
 *   npx tsx bench/experiments/embedding-choice.ts --bundle /work/notes/real-artifacts/defaults-seed1
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/cascade/backend.js';
import type { BundleManifest } from '../../src/cascade/bundle/format.js';
import { loadLayers } from '../../src/cascade/bundle/load.js';
import { applyPlatt, IDENTITY_SCALING } from '../../src/cascade/calibration/platt.js';
import { bootstrap, bootstrapAuroc, pairedAurocDifference } from '../../src/cascade/evaluation/bootstrap.js';
import { calibrationError } from '../../src/cascade/evaluation/calibration-error.js';
import { decodeGrey } from '../../src/datasets/images/decode.js';
import type { LabelledImage } from '../real/dataset.js';
import { pixelScores } from '../real/pixel-model.js';
import { pneumoniaLabel } from '../real/scores.js';

const { values } = parseArgs({
  options: {
    bundle: { type: 'string' },
    resamples: { type: 'string', default: '1000' },
  },
});
const dir = values.bundle as string;
const resamples = Number(values.resamples);
const manifest = JSON.parse(readFileSync(join(dir, 'bundle.json'), 'utf8')) as BundleManifest;
const info = JSON.parse(readFileSync(join(dir, 'bench-images.json'), 'utf8')) as {
  images: Array<Omit<LabelledImage, 'findings'> & { findings: string[] }>;
};
const images: LabelledImage[] = info.images.map((image) => ({ ...image, findings: new Set(image.findings) }));
const size = manifest.preprocessing.decodeSize;
const crop = manifest.preprocessing.crop;
const margin = size - crop;
/** The 3×3 grid of crop offsets; index 4 is the centre crop annotation uses today. */
const GRID = [0, margin >> 1, margin].flatMap((top) => [0, margin >> 1, margin].map((left) => ({ left, top })));
const CENTRE = 4;

interface Reading {
  /** Per crop offset: the pooled embedding, class logits, finding logits. */
  embedding: number[][];
  classLogits: number[][];
  findingLogits: number[][];
}

await selectBackend();
const cache = join(dir, 'readings.json');
const readings: Reading[] = existsSync(cache) ? JSON.parse(readFileSync(cache, 'utf8')) : await readAll();
if (!existsSync(cache)) writeFileSync(cache, JSON.stringify(readings));
const headWeights = await denseWeights();

async function readAll(): Promise<Reading[]> {
  const model = await loadLayers(join(dir, 'cnn-final'));
  const embeddingOutput = model.getLayer(manifest.embeddingLayer).output as tf.SymbolicTensor;
  const readout = tf.model({ inputs: model.inputs, outputs: embeddingOutput });
  const [classW, classB] = model.getLayer('classes').getWeights();
  const [findW, findB] = model.getLayer('findings').getWeights();
  const out: Reading[] = [];
  for (let at = 0; at < images.length; at += 32) {
    const batch = images.slice(at, at + 32);
    const decoded = await Promise.all(batch.map((image) => decodeGrey(image.file, size, 'area')));
    const perCrop = GRID.map(({ left, top }) =>
      tf.tidy(() => {
        const x = tf.tensor4d(
          cropAt(
            decoded.map((d) => d.data),
            left,
            top,
          ),
          [batch.length, crop, crop, 1],
        );
        const e = readout.predict(x) as tf.Tensor2D;
        return {
          embedding: e.arraySync(),
          classLogits: e
            .matMul(classW as tf.Tensor2D)
            .add(classB as tf.Tensor)
            .arraySync() as number[][],
          findingLogits: e
            .matMul(findW as tf.Tensor2D)
            .add(findB as tf.Tensor)
            .arraySync() as number[][],
        };
      }),
    );
    batch.forEach((_, n) => {
      out.push({
        embedding: perCrop.map((c) => c.embedding[n] as number[]),
        classLogits: perCrop.map((c) => c.classLogits[n] as number[]),
        findingLogits: perCrop.map((c) => c.findingLogits[n] as number[]),
      });
    });
    process.stderr.write(`read ${out.length}/${images.length}\n`);
  }
  model.dispose();
  return out;
}

async function denseWeights(): Promise<{ classes: number[][]; findings: number[][] }> {
  const model = await loadLayers(join(dir, 'cnn-final'));
  const w = {
    classes: model.getLayer('classes').getWeights()[0]?.arraySync() as number[][],
    findings: model.getLayer('findings').getWeights()[0]?.arraySync() as number[][],
  };
  model.dispose();
  return w;
}

function cropAt(pixels: Float32Array[], left: number, top: number): Float32Array {
  const data = new Float32Array(pixels.length * crop * crop);
  pixels.forEach((p, n) => {
    for (let y = 0; y < crop; y++) {
      for (let x = 0; x < crop; x++) {
        data[(n * crop + y) * crop + x] = ((p[(top + y) * size + left + x] as number) - 0.5) * 2;
      }
    }
  });
  return data;
}

// ---- vectors and statistics ----
type Vec = number[];
const mean = (rows: Vec[]) =>
  rows[0]?.map((_, j) => rows.reduce((s, r) => s + (r[j] as number), 0) / rows.length) ?? [];
const averageOf = (rows: Vec[]) => mean(rows);
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

function deviation(rows: Vec[], mu: Vec): Vec {
  return mu.map((m, j) => Math.sqrt(rows.reduce((s, r) => s + ((r[j] as number) - m) ** 2, 0) / rows.length));
}

/** Top-k principal axes (unit rows) and variances of centred rows, by subspace iteration with QR. */
function principalAxes(rows: Vec[], mu: Vec, k: number): { axes: Vec[]; variances: Vec } {
  return tf.tidy(() => {
    const x = tf.tensor2d(rows.map((r) => r.map((v, j) => v - (mu[j] as number))));
    const cov = x.transpose().matMul(x).div(rows.length) as tf.Tensor2D;
    let q = tf.randomNormal([mu.length, k], 0, 1, 'float32', 7) as tf.Tensor2D;
    for (let i = 0; i < 60; i++) q = tf.linalg.qr(cov.matMul(q))[0] as tf.Tensor2D;
    const projected = q.transpose().matMul(cov).matMul(q) as tf.Tensor2D;
    const variances = (tf.linalg.bandPart(projected, 0, 0).sum(1).arraySync() as number[]).map((v) => Math.max(v, 0));
    return { axes: q.transpose().arraySync() as number[][], variances };
  });
}

const byIndex = (split: string) => images.flatMap((image, i) => (image.split === split ? [i] : []));
const trainIdx = byIndex('train');
const testIdx = byIndex('test');
const judged = testIdx.filter((i) => pneumoniaLabel(images[i] as LabelledImage) !== undefined);
const labels = judged.map((i) => pneumoniaLabel(images[i] as LabelledImage) as number);
const groups = judged.map((i) => (images[i] as LabelledImage).patient);

/** Precision@10 over the judged test images (leave-one-out), by cosine or L2. */
function precisionAt10(vectors: Vec[], metric: 'cosine' | 'l2'): number {
  const each = queryPrecisions(vectors, metric);
  return each.reduce((a, b) => a + b, 0) / each.length;
}

/** Each judged test image's share of its 10 nearest other judged test images with its label. */
function queryPrecisions(vectors: Vec[], metric: 'cosine' | 'l2'): number[] {
  const rows = metric === 'cosine' ? vectors.map(unit) : vectors;
  return rows.map((q, a) => {
    const near = rows
      .map((o, b) => ({
        b,
        d: b === a ? Number.POSITIVE_INFINITY : metric === 'cosine' ? -dot(q, o) : squaredDistance(q, o),
      }))
      .sort((x, y) => x.d - y.d || x.b - y.b)
      .slice(0, 10);
    return near.filter(({ b }) => labels[b] === labels[a]).length / 10;
  });
}
const dot = (a: Vec, b: Vec) => a.reduce((s, v, j) => s + v * (b[j] as number), 0);
const squaredDistance = (a: Vec, b: Vec) => a.reduce((s, v, j) => s + (v - (b[j] as number)) ** 2, 0);
const unit = (a: Vec) => {
  const n = Math.sqrt(dot(a, a)) || 1;
  return a.map((v) => v / n);
};

// ---- crop sets ----
const CROPS: Record<string, number[]> = {
  centre: [CENTRE],
  'centre+4 corners': [CENTRE, 0, 2, 6, 8],
  'centre+4 edges': [CENTRE, 1, 3, 5, 7],
  'all 9': [0, 1, 2, 3, 4, 5, 6, 7, 8],
};
const pneumoniaIndex = (manifest.findings ?? []).indexOf('pneumonia');
if (pneumoniaIndex < 0) throw new Error(`the bundle's head has no pneumonia finding: ${manifest.findings}`);
const platt = manifest.calibration?.findings[pneumoniaIndex] ?? IDENTITY_SCALING;

function featuresOf(i: number, crops: number[], key: keyof Reading): Vec {
  const reading = readings[i] as Reading;
  return averageOf(crops.map((c) => reading[key][c] as Vec));
}

/** Mean over crops of the head's sigmoid, then the bundle's Platt scaling (fitted on centre crops). */
function pneumoniaProbability(i: number, crops: number[]): number {
  const reading = readings[i] as Reading;
  const p = crops.reduce((s, c) => s + sigmoid(reading.findingLogits[c]?.[pneumoniaIndex] as number), 0) / crops.length;
  return applyPlatt(p, platt);
}

const pixels = await pixelScores(images, []);
const pixelJudged = judged.map((i) => pixels.pneumonia[testIdx.indexOf(i)] as number);
const pixelEmbeddings = judged.map((i) => Array.from(pixels.embeddings[testIdx.indexOf(i)] as ArrayLike<number>));
const options = { resamples, groups };
const fmt = (v: number) => v.toFixed(3);
const ci = (b: { estimate: number; low: number; high: number }) => `${fmt(b.estimate)} [${fmt(b.low)}, ${fmt(b.high)}]`;

console.log(`bundle ${dir}: ${images.length} images, ${judged.length} judged test images, crop ${crop} of ${size}`);
console.log(`\npixels: AUROC ${ci(bootstrapAuroc(pixelJudged, labels, options))}`);
console.log(
  `pixels P@10 cosine ${fmt(precisionAt10(pixelEmbeddings, 'cosine'))} L2 ${fmt(precisionAt10(pixelEmbeddings, 'l2'))}`,
);

console.log('\n| crops | AUROC [95% CI] | Δ vs pixels [95% CI] | ECE |\n|---|---|---|---|');
for (const [name, crops] of Object.entries(CROPS)) {
  const p = judged.map((i) => pneumoniaProbability(i, crops));
  console.log(
    `| ${name} | ${ci(bootstrapAuroc(p, labels, options))} | ${ci(pairedAurocDifference(p, pixelJudged, labels, options))} | ${fmt(calibrationError(p, labels))} |`,
  );
}

// ---- embedding choices ----
type Choice = (crops: number[]) => (i: number) => Vec;
const trainRows = (crops: number[], key: keyof Reading) => trainIdx.map((i) => featuresOf(i, crops, key));

const choices: Record<string, Choice> = {
  'final embedding (640)': (c) => (i) => featuresOf(i, c, 'embedding'),
  'Pneumonia probability alone (1-d)': (c) => (i) => [pneumoniaProbability(i, c)],
  'global pool (128)': (c) => (i) => featuresOf(i, c, 'embedding').slice(0, 128),
  'regions (512)': (c) => (i) => featuresOf(i, c, 'embedding').slice(128),
  'centred (train mean)': (c) => {
    const mu = mean(trainRows(c, 'embedding'));
    return (i) => featuresOf(i, c, 'embedding').map((v, j) => v - (mu[j] as number));
  },
  standardised: (c) => standardiser(c),
  ...Object.fromEntries(
    [8, 16, 32, 64].flatMap((k) => [
      [`PCA ${k}`, (c: number[]) => pca(c, k, false)],
      [`PCA-whitened ${k}`, (c: number[]) => pca(c, k, true)],
    ]),
  ),
  'class logits': (c) => (i) => featuresOf(i, c, 'classLogits'),
  'finding logits': (c) => (i) => featuresOf(i, c, 'findingLogits'),
  'class + finding logits, standardised': (c) => logitStandardiser(c),
  'class softmax': (c) => (i) => softmax(featuresOf(i, c, 'classLogits')),
  'finding probabilities (calibrated)': (c) => (i) =>
    featuresOf(i, c, 'findingLogits').map((z, f) =>
      applyPlatt(sigmoid(z), manifest.calibration?.findings[f] ?? IDENTITY_SCALING),
    ),
  'centred features × head weights (W Wᵀ(x−μ))': (c) => headProjected(c),
  ...Object.fromEntries(
    [0.5, 1, 2, 4].map((alpha) => [
      `standardised ⊕ ${alpha}·standardised logits`,
      (c: number[]) => {
        const s = standardiser(c);
        const l = logitStandardiser(c);
        const d = Math.sqrt(manifestDims());
        return (i: number) => [...s(i).map((v) => v / d), ...l(i).map((v) => (alpha * v) / Math.sqrt(l(i).length))];
      },
    ]),
  ),
  ...Object.fromEntries(
    [0.5, 1, 2, 4].map((alpha) => [
      `PCA-whitened 32 ⊕ ${alpha}·standardised logits`,
      (c: number[]) => {
        const s = pca(c, 32, true);
        const l = logitStandardiser(c);
        return (i: number) => [
          ...s(i).map((v) => v / Math.sqrt(32)),
          ...l(i).map((v) => (alpha * v) / Math.sqrt(l(i).length)),
        ];
      },
    ]),
  ),
};

function manifestDims(): number {
  return ((readings[0] as Reading).embedding[0] as Vec).length;
}

function standardiser(c: number[]): (i: number) => Vec {
  const rows = trainRows(c, 'embedding');
  const mu = mean(rows);
  const sd = deviation(rows, mu).map((s) => Math.max(s, 1e-3));
  return (i) => featuresOf(i, c, 'embedding').map((v, j) => (v - (mu[j] as number)) / (sd[j] as number));
}

function logitStandardiser(c: number[]): (i: number) => Vec {
  const logits = (i: number) => [...featuresOf(i, c, 'classLogits'), ...featuresOf(i, c, 'findingLogits')];
  const rows = trainIdx.map(logits);
  const mu = mean(rows);
  const sd = deviation(rows, mu).map((s) => Math.max(s, 1e-3));
  return (i) => logits(i).map((v, j) => (v - (mu[j] as number)) / (sd[j] as number));
}

function pca(c: number[], k: number, whiten: boolean): (i: number) => Vec {
  const rows = trainRows(c, 'embedding');
  const mu = mean(rows);
  const { axes, variances } = principalAxes(rows, mu, k);
  return (i) => {
    const x = featuresOf(i, c, 'embedding').map((v, j) => v - (mu[j] as number));
    return axes.map((axis, a) => dot(axis, x) / (whiten ? Math.sqrt((variances[a] as number) + 1e-6) : 1));
  };
}

function headProjected(c: number[]): (i: number) => Vec {
  const mu = mean(trainRows(c, 'embedding'));
  const columnsOf = (w: number[][]) => (w[0] ?? []).map((_, k) => w.map((row) => row[k] as number));
  const columns = [...columnsOf(headWeights.classes), ...columnsOf(headWeights.findings)];
  return (i) => {
    const x = featuresOf(i, c, 'embedding').map((v, j) => v - (mu[j] as number));
    const coefficients = columns.map((col) => dot(col, x));
    return x.map((_, j) => columns.reduce((s, col, k) => s + (col[j] as number) * (coefficients[k] as number), 0));
  };
}

function softmax(z: Vec): Vec {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

console.log('\n| embedding | crops | P@10 cosine | P@10 L2 |\n|---|---|---|---|');
for (const [name, choice] of Object.entries(choices)) {
  for (const crops of ['centre', 'all 9']) {
    const f = choice(CROPS[crops] as number[]);
    const vectors = judged.map(f);
    console.log(
      `| ${name} | ${crops} | ${fmt(precisionAt10(vectors, 'cosine'))} | ${fmt(precisionAt10(vectors, 'l2'))} |`,
    );
  }
}

// Paired against today's index embedding (final embedding, centre crop, cosine): per-query precision differences
// resampled by patient.
const PAIRED: Array<[string, string, 'cosine' | 'l2']> = [
  ['centred (train mean)', 'centre', 'cosine'],
  ['centred (train mean)', 'all 9', 'cosine'],
  ['standardised ⊕ 1·standardised logits', 'centre', 'cosine'],
  ['standardised ⊕ 1·standardised logits', 'all 9', 'cosine'],
  ['PCA 64', 'centre', 'cosine'],
  ['final embedding (640)', 'all 9', 'cosine'],
  ['Pneumonia probability alone (1-d)', 'centre', 'l2'],
  ['Pneumonia probability alone (1-d)', 'all 9', 'l2'],
];
const today = queryPrecisions(
  judged.map((choices['final embedding (640)'] as Choice)(CROPS.centre as number[])),
  'cosine',
);
console.log('\n| embedding | crops | metric | P@10 | Δ vs today [95% CI] |\n|---|---|---|---|---|');
for (const [name, crops, metric] of PAIRED) {
  const each = queryPrecisions(judged.map((choices[name] as Choice)(CROPS[crops] as number[])), metric);
  const diff = bootstrap(
    each.length,
    (indices) => indices.reduce((s, k) => s + (each[k] as number) - (today[k] as number), 0) / indices.length,
    options,
  );
  const p = each.reduce((a, b) => a + b, 0) / each.length;
  console.log(`| ${name} | ${crops} | ${metric} | ${fmt(p)} | ${ci(diff)} |`);
}
