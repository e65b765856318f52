/**
 * Train-step and inference throughput of the reference CNN on every available backend, batch 32, at 128² and
 * 224², printed as one table with ratios; then the wasm kernels the project replaced, timed against the backend's
 * own. `npm run bench:backends -- --help` lists the options.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { BACKEND_CHOICES, type BackendChoice, selectBackend } from '../src/cascade/backend.js';
import { replacedKernel } from '../src/cascade/kernels/project-kernels.js';
import { referenceCnn } from '../src/cascade/reference-cnn.js';

const { values: args } = parseArgs({
  options: {
    backends: { type: 'string', default: BACKEND_CHOICES.join(',') },
    sizes: { type: 'string', default: '128,224' },
    batch: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '6' },
    json: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(
    'npm run bench:backends -- [--backends node-gpu,node,wasm,cpu] [--sizes 128,224] [--batch 32] [--seconds 6] [--json out.json]',
  );
  process.exit(0);
}

const batch = Number(args.batch);
const minSeconds = Number(args.seconds);
const sizes = String(args.sizes).split(',').map(Number);
const backends = String(args.backends).split(',') as BackendChoice[];

interface Row {
  backend: BackendChoice;
  size: number;
  trainImagesPerSecond?: number;
  inferImagesPerSecond?: number;
  note?: string;
}

/** Repeats `step` until `minSeconds` have passed (at least once) and returns images per second. */
async function throughput(step: () => Promise<void>): Promise<number> {
  let images = 0;
  const started = performance.now();
  do {
    await step();
    images += batch;
  } while (performance.now() - started < minSeconds * 1000);
  return images / ((performance.now() - started) / 1000);
}

async function measure(backend: BackendChoice, size: number): Promise<Row> {
  const model = referenceCnn({ inputSize: size });
  const [x, y, xSmall, ySmall] = tf.tidy(() => {
    const labels = tf.oneHot(tf.randomUniform([batch], 0, 14, 'int32') as tf.Tensor1D, 14).toFloat();
    const images = tf.randomNormal([batch, size, size, 1], 0, 1, 'float32', 7);
    return [images, labels, images.slice(0, 2), labels.slice(0, 2)];
  });
  // Warm up once: builds the optimizer's slots, compiles kernels and (wasm) grows the heap to its working size.
  // On cpu a full batch takes minutes and there is nothing to grow, so two images suffice there.
  const [warmX, warmY] = backend === 'cpu' ? [xSmall, ySmall] : [x, y];
  await model.trainOnBatch(warmX as tf.Tensor, warmY as tf.Tensor);
  tf.tidy(() => (model.predict(warmX as tf.Tensor) as tf.Tensor).dataSync());
  const train = await throughput(async () => {
    await model.trainOnBatch(x as tf.Tensor, y as tf.Tensor);
  });
  const infer = await throughput(async () => {
    tf.tidy(() => (model.predict(x as tf.Tensor) as tf.Tensor).dataSync());
  });
  model.dispose();
  tf.dispose([x, y, xSmall, ySmall] as tf.Tensor[]);
  return { backend, size, trainImagesPerSecond: train, inferImagesPerSecond: infer };
}

/** One call of a replaced wasm kernel, project vs the backend's own, at the reference CNN's first-block shapes. */
function kernelComparison(): Array<{ kernel: string; projectMs: number; ownMs: number }> {
  const results: Array<{ kernel: string; projectMs: number; ownMs: number }> = [];
  const time = (run: () => tf.TensorInfo | tf.TensorInfo[]) => {
    const backend = tf.engine().backend;
    const once = () => {
      const started = performance.now();
      const out = run() as tf.TensorInfo;
      backend.readSync(out.dataId);
      backend.disposeData(out.dataId);
      return performance.now() - started;
    };
    once();
    return Math.min(once(), once(), once());
  };
  const [x, dy, filter, pooled] = tf.tidy(() => [
    tf.randomNormal([batch, 128, 128, 16]),
    tf.randomNormal([batch, 128, 128, 32]),
    tf.randomNormal([3, 3, 16, 32]),
    tf.randomNormal([batch, 64, 64, 16]),
  ]);
  const cases: Array<{ kernel: string; inputs: Record<string, tf.Tensor>; attrs: tf.NamedAttrMap }> = [
    {
      kernel: 'Conv2DBackpropInput',
      inputs: { dy, filter },
      attrs: { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [batch, 128, 128, 16] },
    },
    {
      kernel: 'MaxPoolGrad',
      inputs: { dy: pooled, input: x, output: pooled },
      attrs: { filterSize: 2, strides: 2, pad: 'valid' },
    },
  ];
  for (const c of cases) {
    const own = replacedKernel(c.kernel, 'wasm');
    if (own === undefined) continue;
    const inputs = c.inputs;
    const backend = tf.engine().backend;
    const projectMs = time(
      () => tf.getKernel(c.kernel, 'wasm')?.kernelFunc({ inputs, backend, attrs: c.attrs }) as tf.TensorInfo,
    );
    const ownMs = time(() => own.kernelFunc({ inputs, backend, attrs: c.attrs }) as tf.TensorInfo);
    results.push({ kernel: c.kernel, projectMs, ownMs });
  }
  tf.dispose([x, dy, filter, pooled] as tf.Tensor[]);
  return results;
}

const rows: Row[] = [];
let kernels: ReturnType<typeof kernelComparison> = [];
for (const backend of backends) {
  try {
    await selectBackend(backend);
  } catch (error) {
    for (const size of sizes)
      rows.push({ backend, size, note: `not available: ${(error as Error).message.slice(0, 60)}` });
    continue;
  }
  for (const size of sizes) {
    process.stderr.write(`measuring ${backend} at ${size}² …\n`);
    rows.push(await measure(backend, size));
  }
  if (backend === 'wasm') kernels = kernelComparison();
}

const fmt = (value: number | undefined) =>
  value === undefined ? '—' : value.toFixed(value < 1 ? 3 : value < 10 ? 2 : 1);
const cpuTrain = (size: number) => rows.find((r) => r.backend === 'cpu' && r.size === size)?.trainImagesPerSecond;
console.log(
  `\nreference CNN (4 × conv3×3+BN+ReLU+maxpool, global pool, dense 14), batch ${batch}, ≥${minSeconds}s per figure`,
);
console.log('backend   size  train img/s  infer img/s  train/infer  train vs cpu');
for (const r of rows) {
  if (r.note !== undefined) {
    console.log(`${r.backend.padEnd(8)} ${String(r.size).padStart(5)}  ${r.note}`);
    continue;
  }
  const perInfer =
    r.trainImagesPerSecond && r.inferImagesPerSecond
      ? `1/${fmt(r.inferImagesPerSecond / r.trainImagesPerSecond)}`
      : '—';
  const cpu = cpuTrain(r.size);
  const vsCpu = cpu && r.trainImagesPerSecond ? `${fmt(r.trainImagesPerSecond / cpu)}×` : '—';
  console.log(
    `${r.backend.padEnd(8)} ${String(r.size).padStart(5)}  ${fmt(r.trainImagesPerSecond).padStart(11)}  ${fmt(r.inferImagesPerSecond).padStart(11)}  ${perInfer.padStart(11)}  ${vsCpu.padStart(12)}`,
  );
}
if (kernels.length > 0) {
  console.log(`\nwasm kernels replaced by the project (one call, batch ${batch}, 128² × 16 channels):`);
  for (const k of kernels)
    console.log(
      `${k.kernel.padEnd(22)} project ${fmt(k.projectMs)} ms   wasm's own ${fmt(k.ownMs)} ms   ${fmt(k.ownMs / k.projectMs)}× faster`,
    );
}
if (args.json !== undefined)
  writeFileSync(args.json, `${JSON.stringify({ batch, minSeconds, rows, kernels }, null, 2)}\n`);
