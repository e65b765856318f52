/**
 * Inference speed of the cascade with ONNX Runtime and with TensorFlow.js (wasm) in the same run, at the bundle's
 * input size: the pure model rate (decoded images in, annotations out, batch 32), the end-to-end `cxr build`
 * annotation phase (decode, resize, CNNs, RNN, SQLite writes) with ONNX Runtime, and an image query's end-to-end
 * time (upload bytes decoded → ranked hits) on the index that build wrote. It also accounts for the CPU each stage
 * of the build costs per image, which says how fast the build can be on this machine's cores at best.
 * `npm run bench:annotate -- --bundle .cxr/bundle --catalog .cxr/catalog.sqlite [--count 512]`
 */

import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Annotation, Annotator } from '../src/cascade/annotator.js';
import { selectBackend } from '../src/cascade/backend.js';
import { decodingOf } from '../src/cascade/bundle/format.js';
import { loadBundle } from '../src/cascade/bundle/load.js';
import { decodeGrey, type GreyImage } from '../src/datasets/images/decode.js';
import { createDecodePool } from '../src/datasets/images/decode-pool.js';
import { buildIndex } from '../src/indexer/build-index.js';
import { listCatalogImages } from '../src/indexer/catalog-images.js';
import { toIndexEntry } from '../src/indexer/entry.js';
import { SearchEngine } from '../src/search/engine.js';
import { Catalog } from '../src/store/catalog.js';
import { IndexStore } from '../src/store/index-store.js';
import { tempDir } from '../test/helpers/fixtures.js';

const { values } = parseArgs({
  options: {
    bundle: { type: 'string', default: '.cxr/bundle' },
    catalog: { type: 'string', default: '.cxr/catalog.sqlite' },
    count: { type: 'string', default: '512' },
    seconds: { type: 'string', default: '10' },
  },
});
await selectBackend('wasm');
const bundle = values.bundle as string;
const catalog = Catalog.open(values.catalog as string);
const images = listCatalogImages(catalog).slice(0, Number(values.count));
const onnx = await loadBundle(bundle, { runtime: 'onnx' });
const tfjs = await loadBundle(bundle, { runtime: 'tfjs' });
const decoding = decodingOf(onnx.manifest);
const cores = availableParallelism();

/** Wall-clock rate and CPU milliseconds (all threads of this process) per item of `work` over `count` items. */
async function measure(count: number, work: () => Promise<unknown> | unknown): Promise<{ rate: number; cpu: number }> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await work();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { rate: count / seconds, cpu: (cpu.user + cpu.system) / 1000 / count };
}

// Decoding on this thread, one image at a time: its CPU cost per image.
let decoded: GreyImage[] = [];
const decodeCost = await measure(images.length, async () => {
  decoded = [];
  for (const image of images) decoded.push(await decodeGrey(image.file, decoding.size, decoding.resize));
});
// Decoding on the build's pool (one thread less than the cores), all images queued at once.
const pool = createDecodePool(decoding);
await Promise.all(images.slice(0, 32).map((image) => pool.decode(image.file))); // threads started
const poolDecode = await measure(images.length, () => Promise.all(images.map((image) => pool.decode(image.file))));
await pool.close();

async function modelRate(annotator: Annotator): Promise<{ rate: number; cpu: number; annotations: Annotation[] }> {
  const annotations = await annotator.annotateDecoded(decoded.slice(0, 32)); // warm-up
  let done = 0;
  const started = performance.now();
  const result = await measure(1, async () => {
    while (performance.now() - started < Number(values.seconds) * 1000) {
      annotations.length = 0;
      for (let at = 0; at < decoded.length; at += 32) {
        annotations.push(...(await annotator.annotateDecoded(decoded.slice(at, at + 32))));
        done += Math.min(32, decoded.length - at);
      }
    }
  });
  return { rate: result.rate * done, cpu: result.cpu / done, annotations };
}
const onnxModel = await modelRate(onnx);
const tfjsModel = await modelRate(tfjs);
tfjs.dispose();

// SQLite writes of those annotations, as the build makes them (a transaction per batch of 32).
const store = IndexStore.open(join(tempDir(), 'writes.sqlite'));
const writes = await measure(images.length, () => {
  for (let at = 0; at < images.length; at += 32) {
    store.transaction(() => {
      for (let i = at; i < Math.min(at + 32, images.length); i++) {
        store.upsert(toIndexEntry(images[i] as (typeof images)[number], onnxModel.annotations[i] as Annotation));
      }
    });
  }
});
store.close();

// The build's annotation phase, timed from its first progress report to its last.
const indexDir = join(tempDir(), 'index');
let first = 0;
let last = 0;
let firstDone = 0;
let annotated = 0;
let cpuAtFirst = process.cpuUsage();
let buildCpu = 0;
await buildIndex(
  catalog,
  onnx,
  bundle,
  indexDir,
  {},
  {
    onProgress: (p) => {
      if (p.stage !== 'annotate') return;
      if (first === 0) {
        first = performance.now();
        firstDone = p.done;
        cpuAtFirst = process.cpuUsage();
      }
      last = performance.now();
      annotated = p.done;
      const cpu = process.cpuUsage(cpuAtFirst);
      buildCpu = (cpu.user + cpu.system) / 1000;
    },
  },
);
// The first report comes before any batch, the last after the last: the rate covers every image.
const buildRate = (annotated - firstDone) / ((last - first) / 1000);
onnx.dispose();
catalog.close();

/** Upload bytes → ranked hits, 50 queries one after another; decoded on this thread (`cxr search`) or on a
 * decode thread (`cxr serve`). */
async function queryTimes(decodeThreads: number): Promise<number[]> {
  const engine = SearchEngine.open(indexDir, {
    loadAnnotator: (dir) => loadBundle(dir, { runtime: 'onnx' }),
    decodeThreads,
  });
  const uploads = images.slice(0, 50).map((image) => new Uint8Array(readFileSync(image.file)));
  await engine.search({ image: { bytes: uploads[0] as Uint8Array }, k: 20 });
  const times: number[] = [];
  for (const bytes of uploads) {
    const started = performance.now();
    await engine.search({ image: { bytes }, k: 20 });
    times.push(performance.now() - started);
  }
  await engine.close();
  return times.sort((a, b) => a - b);
}
const inlineTimes = await queryTimes(0);
const pooledTimes = await queryTimes(1);
const quantiles = (times: number[]) =>
  `p50 ${(times[Math.floor(times.length / 2)] ?? 0).toFixed(1)} ms, p99 ${(times[Math.floor(times.length * 0.99)] ?? 0).toFixed(1)} ms`;

// The build decodes on the pool (synchronous reads), so its CPU is the pool's.
const perImage = poolDecode.cpu + onnxModel.cpu + writes.cpu;
const ceiling = (cores * 1000) / perImage;
const percent = (rate: number) => `${((100 * rate) / onnxModel.rate).toFixed(0)}% of the model rate`;
console.log(
  `bundle ${bundle}: input ${onnx.manifest.preprocessing.crop}² (decoded at ${decoding.size}², ${decoding.resize}), ` +
    `${decoded.length} images, batch 32, ${cores} cores, ONNX Runtime threads ${process.env.CXR_ONNX_THREADS ?? 'default'}`,
);
console.log('\n| measure | images/s | CPU ms per image |\n|---|---|---|');
console.log(
  `| cascade, ONNX Runtime (2 CNNs + decoder steps) | ${onnxModel.rate.toFixed(0)} | ${onnxModel.cpu.toFixed(2)} |`,
);
console.log(`| cascade, TensorFlow.js wasm | ${tfjsModel.rate.toFixed(0)} | ${tfjsModel.cpu.toFixed(2)} |`);
console.log(`| ONNX / tfjs-wasm | ${(onnxModel.rate / tfjsModel.rate).toFixed(1)}× | |`);
console.log(`| decode + resize, one thread | ${decodeCost.rate.toFixed(0)} | ${decodeCost.cpu.toFixed(2)} |`);
console.log(`| decode + resize on the build's pool | ${poolDecode.rate.toFixed(0)} | ${poolDecode.cpu.toFixed(2)} |`);
console.log(`| SQLite writes (entries, findings, FTS5) | ${writes.rate.toFixed(0)} | ${writes.cpu.toFixed(2)} |`);
console.log(
  `| ceiling: ${cores} cores ÷ (decode on the pool + model + writes) | ${ceiling.toFixed(0)} (${percent(ceiling)}) | ${perImage.toFixed(2)} |`,
);
console.log(
  `| **cxr build annotation phase** (decode, resize, CNNs, RNN, writes), ONNX | ${buildRate.toFixed(0)} (${percent(buildRate)}) | ${(buildCpu / (annotated - firstDone)).toFixed(2)} |`,
);
console.log(
  `\nimage query, upload bytes → ranked hits (${inlineTimes.length} queries): decoded on the main thread ` +
    `${quantiles(inlineTimes)}; on a decode thread (as cxr serve does) ${quantiles(pooledTimes)}`,
);
