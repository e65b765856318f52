/**
 * Inference speed of the cascade with ONNX Runtime and with TensorFlow.js (wasm) in the same run, at the bundle's
 * input size: the pure model rate (decoded images in, annotations out, batch 32), the end-to-end `cxr build`
 * annotation phase (decode, resize, CNNs, RNN, SQLite writes) with ONNX Runtime, and an image query's end-to-end
 * time (upload bytes decoded → ranked hits) on the index that build wrote.
 * `npm run bench:annotate -- --bundle .cxr/bundle --catalog .cxr/catalog.sqlite [--count 512]`
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Annotator } from '../src/cascade/annotator.js';
import { selectBackend } from '../src/cascade/backend.js';
import { loadBundle } from '../src/cascade/bundle/load.js';
import { decodeGrey, type GreyImage } from '../src/datasets/images/decode.js';
import { buildIndex } from '../src/indexer/build-index.js';
import { listCatalogImages } from '../src/indexer/catalog-images.js';
import { mapConcurrently } from '../src/map-concurrently.js';
import { SearchEngine } from '../src/search/engine.js';
import { Catalog } from '../src/store/catalog.js';
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
const size = onnx.manifest.preprocessing.decodeSize;
const decoded: GreyImage[] = await Promise.all(images.map((image) => decodeGrey(image.file, size)));

async function modelRate(annotator: Annotator): Promise<number> {
  await annotator.annotateDecoded(decoded.slice(0, 32)); // warm-up
  const started = performance.now();
  let done = 0;
  while (performance.now() - started < Number(values.seconds) * 1000) {
    for (let at = 0; at < decoded.length; at += 32) {
      await annotator.annotateDecoded(decoded.slice(at, at + 32));
      done += Math.min(32, decoded.length - at);
    }
  }
  return done / ((performance.now() - started) / 1000);
}

// Reading and resizing alone, as the build does it (4 at a time): the floor under the build's own rate.
const decodeStarted = performance.now();
await mapConcurrently(images, 4, (image) => decodeGrey(image.file, size));
const decodeRate = images.length / ((performance.now() - decodeStarted) / 1000);

const onnxRate = await modelRate(onnx);
const tfjsRate = await modelRate(tfjs);
tfjs.dispose();

// The build's annotation phase, timed from its first progress report to its last.
const indexDir = join(tempDir(), 'index');
let first = 0;
let last = 0;
let annotated = 0;
await buildIndex(
  catalog,
  onnx,
  bundle,
  indexDir,
  {},
  {
    onProgress: (p) => {
      if (p.stage !== 'annotate') return;
      if (first === 0) first = performance.now();
      last = performance.now();
      annotated = p.done;
    },
  },
);
const buildRate = annotated / ((last - first) / 1000);
onnx.dispose();
catalog.close();

const engine = SearchEngine.open(indexDir, { loadAnnotator: (dir) => loadBundle(dir, { runtime: 'onnx' }) });
const uploads = images.slice(0, 50).map((image) => new Uint8Array(readFileSync(image.file)));
await engine.search({ image: { bytes: uploads[0] as Uint8Array }, k: 20 });
const times: number[] = [];
for (const bytes of uploads) {
  const started = performance.now();
  await engine.search({ image: { bytes }, k: 20 });
  times.push(performance.now() - started);
}
await engine.close();
times.sort((a, b) => a - b);

console.log(
  `bundle ${bundle}: input ${onnx.manifest.preprocessing.crop}² (decoded at ${size}²), ${decoded.length} images, batch 32`,
);
console.log('\n| measure | images/s |\n|---|---|');
console.log(`| cascade, ONNX Runtime (2 CNNs + decoder steps) | ${onnxRate.toFixed(0)} |`);
console.log(`| cascade, TensorFlow.js wasm | ${tfjsRate.toFixed(0)} |`);
console.log(`| ONNX / tfjs-wasm | ${(onnxRate / tfjsRate).toFixed(1)}× |`);
console.log(`| decoding and resizing alone (sharp, 4 at a time) | ${decodeRate.toFixed(0)} |`);
console.log(
  `| cxr build annotation phase (decode, resize, CNNs, RNN, writes), ONNX | ${buildRate.toFixed(0)} (${((100 * buildRate) / onnxRate).toFixed(0)}% of the model rate) |`,
);
console.log(
  `\nimage query, upload bytes → ranked hits (${times.length} queries): p50 ${(times[Math.floor(times.length / 2)] ?? 0).toFixed(1)} ms, p99 ${(times[Math.floor(times.length * 0.99)] ?? 0).toFixed(1)} ms`,
);
