/**
 * What makes the cascade's CNN learn real radiographs: imports the NIH sample (/work/shared/data/nih-sample) once,
 * mines it (split by patient), then trains one cascade per `--run` and scores it on every test-split image — also
 * those in no mined class — by AUROC of 1 − P(normal) for Pneumonia vs No Finding, and by neighbour precision@10
 * (the share of the 10 nearest test images by cosine of the final embedding with the same normal/pneumonia label).
 * The baseline, measured in the same process: logistic regression on standardised 32×32 pixels, L2 tuned on the
 * validation split (and the same neighbour precision on those pixels).
 *
 *   nice -n 10 npx tsx bench/experiments/real-train.ts --run base --run size=96 --run augment=on,epochs=16
 *
 * A run is comma-separated overrides of the CLI defaults (size 64, nin, width 1, epochs 8, iterations 1,
 * data-dropout; RNN epochs 3 here, they do not affect the CNN): size, width, architecture, pooling, dropout,
 * epochs, batch, lr, schedule, warmup, wd, imbalance, iterations, rnnEpochs, augment (on | off), seed.
 * `schedule=cosine`, `warmup`, `wd` and `augment` need training options this tree may not have: a run asking for
 * one that the options schema drops fails rather than silently training without it. One JSON line per run is
 * appended to `--out`.
 */
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/cascade/backend.js';
import { cascadeAnnotator } from '../../src/cascade/bundle/save.js';
import { CascadeOptions } from '../../src/cascade/cascade.js';
import { auroc } from '../../src/cascade/evaluation/auroc.js';
import { trainFromCatalog } from '../../src/cascade/train-catalog.js';
import { importFormat } from '../../src/datasets/formats.js';
import { decodeGrey } from '../../src/datasets/images/decode.js';
import { resolveInside } from '../../src/datasets/paths.js';
import { mineLabels } from '../../src/labels/mine.js';
import { Catalog } from '../../src/store/catalog.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '/work/shared/data/nih-sample' },
    run: { type: 'string', multiple: true, default: ['base'] },
    out: { type: 'string', default: '/tmp/real-train.jsonl' },
  },
});

interface HeldImage {
  imageId: string;
  file: string;
  split: 'train' | 'validation' | 'test';
  /** 1: the pattern has pneumonia; 0: normal (No Finding). */
  pneumonia: 0 | 1;
}

await selectBackend('wasm');
const folder = mkdtempSync(join(tmpdir(), 'real-train-'));
const catalog = Catalog.open(join(folder, 'catalog.db'));
try {
  await importFormat(catalog, 'chestxray14', join(values.data as string, 'Data_Entry_2017_v2020.csv'), {
    boxes: join(values.data as string, 'BBox_List_2017.csv'),
    verify: 'header',
  });
  const mined = mineLabels(catalog, {});
  console.log(`classes: ${mined.classes.map((c) => `${c.name} ${c.train}/${c.validation}/${c.test}`).join('; ')}`);
  const images = labelledImages(catalog);
  const test = images.filter((image) => image.split === 'test');
  console.log(
    `test images: ${test.length} (${test.filter((i) => i.pneumonia).length} pneumonia); train ${images.filter((i) => i.split === 'train').length}`,
  );
  const pixels = await pixelBaseline(images);
  console.log(
    `pixel logistic regression (32², L2 ${pixels.l2}): AUROC ${pixels.auroc.toFixed(3)}  neighbour P@10 ${pixels.precision.toFixed(3)}`,
  );
  console.log('| run | AUROC | pixel AUROC | P@10 | P@10 first CNN | pixel P@10 | CNN s (CPU s) | total s |');
  for (const spec of values.run as string[]) {
    const result = await trainAndScore(catalog, spec, test);
    const row = { spec, ...result, pixelAuroc: pixels.auroc, pixelPrecision: pixels.precision };
    appendFileSync(values.out as string, `${JSON.stringify({ at: new Date().toISOString(), ...row })}\n`);
    console.log(
      `| ${spec} | ${row.auroc.toFixed(3)} | ${row.pixelAuroc.toFixed(3)} | ${row.precision.toFixed(3)} | ${row.firstPrecision.toFixed(3)} | ${row.pixelPrecision.toFixed(3)} | ${row.cnnSeconds.toFixed(0)} (${row.cnnCpuSeconds.toFixed(0)}) | ${row.seconds.toFixed(0)} |`,
    );
  }
} finally {
  catalog.close();
  rmSync(folder, { recursive: true, force: true });
}

/** Every mined image (classed or not) with its file and whether it is normal or has pneumonia. */
function labelledImages(catalog: Catalog): HeldImage[] {
  const rows = catalog.db
    .prepare(
      `SELECT l.image_id, l.pattern, l.split, i.path, d.root FROM image_labels l JOIN images i ON i.id = l.image_id
       JOIN studies s ON s.id = i.study_id LEFT JOIN dataset_roots d ON d.dataset = s.dataset ORDER BY l.image_id`,
    )
    .all() as Array<{
    image_id: string;
    pattern: string;
    split: HeldImage['split'];
    path: string;
    root: string | null;
  }>;
  return rows.flatMap((row) => {
    const pneumonia = row.pattern.split(' + ').includes('pneumonia');
    if (!pneumonia && row.pattern !== 'normal') return [];
    return [
      {
        imageId: row.image_id,
        file: resolveInside(row.root ?? '.', row.path),
        split: row.split,
        pneumonia: pneumonia ? 1 : 0,
      },
    ];
  });
}

/** Parses `size=96,augment=on` into cascade options over the CLI defaults. */
function optionsOf(spec: string): { cascade: CascadeOptions; asked: Record<string, string> } {
  const asked: Record<string, string> = {};
  for (const pair of spec.split(',')) {
    const [key, value] = pair.split('=');
    if (key !== undefined && key !== 'base' && value !== undefined) asked[key] = value;
  }
  const number = (key: string, fallback: number) => (asked[key] === undefined ? fallback : Number(asked[key]));
  const optional = (key: string) => (asked[key] === undefined ? {} : { [key]: Number(asked[key]) });
  const cnn: Record<string, unknown> = {
    inputSize: number('size', 64),
    width: number('width', 1),
    architecture: asked.architecture ?? 'nin',
    ...(asked.pooling === undefined ? {} : { pooling: asked.pooling }),
    ...(asked.dropout === undefined ? {} : { dropout: Number(asked.dropout) }),
    ...(asked.wd === undefined ? {} : { weightDecay: Number(asked.wd) }),
  };
  const cnnTraining: Record<string, unknown> = {
    epochs: number('epochs', 8),
    imbalance: asked.imbalance ?? 'data-dropout',
    ...(asked.lr === undefined ? {} : { learningRate: Number(asked.lr) }),
    ...(asked.batch === undefined ? {} : { batchSize: Number(asked.batch) }),
    ...(asked.schedule === undefined ? {} : { schedule: asked.schedule }),
    ...optional('warmup'),
    ...(asked.augment === 'on' ? { augment: {} } : {}),
    seed: number('seed', 1),
  };
  const cascade = {
    cnn,
    cnnTraining,
    rnnTraining: { epochs: number('rnnEpochs', 3) },
    iterations: number('iterations', 1),
    seed: number('seed', 1),
  } as CascadeOptions;
  return { cascade, asked };
}

/** Fails when the options schema of this tree drops what the run asked for (an experiment-only option). */
function checkHonoured(cascade: CascadeOptions, asked: Record<string, string>): void {
  const parsed = CascadeOptions.parse(cascade) as unknown as {
    cnn: Record<string, unknown>;
    cnnTraining: Record<string, unknown>;
  };
  const needs: Array<[string, Record<string, unknown>, string]> = [
    ['wd', parsed.cnn, 'weightDecay'],
    ['warmup', parsed.cnnTraining, 'warmup'],
    ['augment', parsed.cnnTraining, 'augment'],
  ];
  for (const [key, where, name] of needs) {
    if (asked[key] !== undefined && asked[key] !== 'off' && where[name] === undefined) {
      throw new Error(`--run ${key}: this tree's options have no ${name} (apply the experiment's training patch)`);
    }
  }
}

async function trainAndScore(catalog: Catalog, spec: string, test: HeldImage[]) {
  const { cascade: options, asked } = optionsOf(spec);
  checkHonoured(options, asked);
  const tensorsBefore = tf.memory().numTensors;
  const started = performance.now();
  let cnnSeconds = 0;
  let cnnCpuSeconds = 0;
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  const cascade = await trainFromCatalog(catalog, {
    cascade: options,
    onLoad: (done, total) => {
      if (done === total) {
        last = performance.now();
        lastCpu = process.cpuUsage();
      }
    },
    onEpoch: (stage, stats) => {
      const now = performance.now();
      const cpu = process.cpuUsage();
      if (stage.startsWith('cnn')) {
        cnnSeconds += (now - last) / 1000;
        cnnCpuSeconds += (cpu.user + cpu.system - lastCpu.user - lastCpu.system) / 1e6;
      }
      last = now;
      lastCpu = cpu;
      if (stage.startsWith('cnn'))
        process.stderr.write(`  ${spec} ${stage} epoch ${stats.epoch} loss ${stats.loss.toFixed(3)}\n`);
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const annotator = cascadeAnnotator(cascade);
  try {
    const normal = cascade.baseClasses.indexOf('normal');
    const annotations = [];
    for (let at = 0; at < test.length; at += 32) {
      annotations.push(...(await annotator.annotate(test.slice(at, at + 32).map((image) => image.file))));
    }
    const labels = test.map((image) => image.pneumonia);
    const firstIteration = cascade.reports[0];
    return {
      auroc: auroc(
        annotations.map((a) => 1 - (a.scores[normal] as number)),
        labels,
      ),
      precision: neighbourPrecision(
        annotations.map((a) => a.embeddings.final),
        labels,
      ),
      firstPrecision: neighbourPrecision(
        annotations.map((a) => a.embeddings.first),
        labels,
      ),
      /** The cascade's own test report of its first iteration (classed test images only), for comparison. */
      firstIterationAuroc: firstIteration?.auroc,
      finalClasses: cascade.finalClasses,
      cnnSeconds,
      cnnCpuSeconds,
      seconds,
    };
  } finally {
    annotator.dispose();
    cascade.dispose();
    if (tf.memory().numTensors !== tensorsBefore) {
      process.stderr.write(`  note: ${tf.memory().numTensors - tensorsBefore} tensors left after ${spec}\n`);
    }
  }
}

/** Share of each image's 10 nearest others (cosine) with its label, averaged over the images. */
function neighbourPrecision(vectors: ArrayLike<number>[], labels: number[], k = 10): number {
  const unit = vectors.map((v) => {
    const norm = Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0)) || 1;
    return Array.from(v, (x) => x / norm);
  });
  let sum = 0;
  unit.forEach((a, i) => {
    const nearest = unit
      .map((b, j) => ({ j, cosine: a.reduce((s, x, d) => s + x * (b[d] as number), 0) }))
      .filter(({ j }) => j !== i)
      .sort((p, q) => q.cosine - p.cosine)
      .slice(0, k);
    sum += nearest.filter(({ j }) => labels[j] === labels[i]).length / nearest.length;
  });
  return sum / unit.length;
}

/** Logistic regression on standardised 32×32 pixels: L2 picked by validation AUROC, scored on the test split. */
async function pixelBaseline(images: HeldImage[]): Promise<{ auroc: number; precision: number; l2: number }> {
  const side = 32;
  const decoded = await Promise.all(images.map((image) => decodeGrey(image.file, side, 'area')));
  const of = (split: HeldImage['split']) => images.flatMap((image, i) => (image.split === split ? [i] : []));
  const [train, validation, test] = [of('train'), of('validation'), of('test')];
  const dims = side * side;
  const mean = new Float64Array(dims);
  const sd = new Float64Array(dims);
  for (const i of train) {
    const data = (decoded[i] as { data: Float32Array }).data;
    data.forEach((x, d) => {
      mean[d] = (mean[d] as number) + x / train.length;
    });
  }
  for (const i of train) {
    const data = (decoded[i] as { data: Float32Array }).data;
    data.forEach((x, d) => {
      sd[d] = (sd[d] as number) + (x - (mean[d] as number)) ** 2 / train.length;
    });
  }
  const rows = decoded.map((image) =>
    Float64Array.from(image.data, (x, d) => (x - (mean[d] as number)) / (Math.sqrt(sd[d] as number) + 1e-6)),
  );
  const labels = images.map((image) => image.pneumonia);
  let best: { l2: number; validation: number; weights: Float64Array } = {
    l2: 0,
    validation: -1,
    weights: new Float64Array(dims + 1),
  };
  for (const l2 of [0.001, 0.01, 0.1, 1, 10, 100]) {
    const weights = fitLogistic(
      train.map((i) => rows[i] as Float64Array),
      train.map((i) => labels[i] as number),
      l2,
    );
    const score = auroc(
      validation.map((i) => predict(weights, rows[i] as Float64Array)),
      validation.map((i) => labels[i] as number),
    );
    if (score > best.validation) best = { l2, validation: score, weights };
  }
  return {
    l2: best.l2,
    auroc: auroc(
      test.map((i) => predict(best.weights, rows[i] as Float64Array)),
      test.map((i) => labels[i] as number),
    ),
    precision: neighbourPrecision(
      test.map((i) => rows[i] as Float64Array),
      test.map((i) => labels[i] as number),
    ),
  };
}

function predict(weights: Float64Array, x: Float64Array): number {
  let z = weights[x.length] as number;
  for (let d = 0; d < x.length; d++) z += (weights[d] as number) * (x[d] as number);
  return 1 / (1 + Math.exp(-z));
}

/** Full-batch gradient descent on mean log-loss + (l2/2)·|w|² (bias unpenalised), step 1/Lipschitz bound. */
function fitLogistic(xs: Float64Array[], ys: number[], l2: number, steps = 1000): Float64Array {
  const dims = (xs[0] as Float64Array).length;
  const weights = new Float64Array(dims + 1);
  // Standardised features: |x|² ≈ dims, so the mean log-loss is (dims / 4)-smooth at most.
  const step = 1 / (dims / 4 + l2);
  for (let s = 0; s < steps; s++) {
    const gradient = new Float64Array(dims + 1);
    xs.forEach((x, n) => {
      const error = predict(weights, x) - (ys[n] as number);
      for (let d = 0; d < dims; d++) gradient[d] = (gradient[d] as number) + (error * (x[d] as number)) / xs.length;
      gradient[dims] = (gradient[dims] as number) + error / xs.length;
    });
    for (let d = 0; d < dims; d++)
      weights[d] = (weights[d] as number) - step * ((gradient[d] as number) + l2 * (weights[d] as number));
    weights[dims] = (weights[dims] as number) - step * (gradient[dims] as number);
  }
  return weights;
}
