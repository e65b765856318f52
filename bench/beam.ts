/**
 * Beam width of annotation decoding: BLEU-1…4 of the test split's generated annotations against their truth (as
 * `cxr eval` scores them) and the annotation time per image (decoded images in, CNNs and decoder, batches of 64), at
 * widths 1 (greedy decoding, the baseline), 2, 3 and 5, in ONNX Runtime and TensorFlow.js (wasm) in the same run.
 * Also their mean length and decoder probability (of the words after the first), and how many annotations differ
 * from the same runtime's greedy ones and from ONNX Runtime's at the same width (0: the runtimes agree).
 * `npm run bench:beam -- --bundle .cxr/bundle --catalog .cxr/catalog.sqlite`, or without them it trains a small
 * cascade on a generated sample first (`--count 600`).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Annotation, Annotator } from '../src/cascade/annotator.js';
import { selectBackend } from '../src/cascade/backend.js';
import { decodingOf } from '../src/cascade/bundle/format.js';
import { loadBundle } from '../src/cascade/bundle/load.js';
import { saveBundle } from '../src/cascade/bundle/save.js';
import { loadTrainingSet, type TrainingExample } from '../src/cascade/data/training-set.js';
import { corpusBleu } from '../src/cascade/evaluation/bleu.js';
import { trainFromCatalog } from '../src/cascade/train-catalog.js';
import { importFormat } from '../src/datasets/formats.js';
import { writeSampleDataset } from '../src/datasets/sample/generate.js';
import { mineLabels } from '../src/labels/mine.js';
import { Catalog } from '../src/store/catalog.js';
import { tempDir } from '../test/helpers/fixtures.js';

const { values } = parseArgs({
  options: {
    bundle: { type: 'string' },
    catalog: { type: 'string' },
    count: { type: 'string', default: '600' },
    widths: { type: 'string', default: '1,2,3,5' },
    seconds: { type: 'string', default: '3' },
  },
});
await selectBackend('wasm');
const widths = (values.widths as string).split(',').map(Number);

/** A sample written, imported, mined and a small cascade trained on it (CPU minutes, not hours). */
async function trainedSample(count: number): Promise<{ bundle: string; catalog: string }> {
  const root = tempDir();
  await writeSampleDataset(join(root, 'sample'), { count });
  const catalogPath = join(root, 'catalog.sqlite');
  const catalog = Catalog.open(catalogPath);
  await importFormat(catalog, 'openi', join(root, 'sample', 'reports'), {
    dataset: 'sample',
    images: join(root, 'sample', 'images'),
  });
  mineLabels(catalog, { dataset: 'sample', minCases: Math.max(5, Math.round(count / 66)) });
  const cascade = await trainFromCatalog(catalog, {
    cascade: { cnn: { inputSize: 64, width: 0.5 }, cnnTraining: { epochs: 4 }, iterations: 1 },
    onEpoch: (stage, s) => process.stderr.write(`${stage}: epoch ${s.epoch}/${s.epochs}  loss ${s.loss.toFixed(3)}\n`),
  });
  catalog.close();
  await saveBundle(cascade, join(root, 'bundle'));
  cascade.dispose();
  return { bundle: join(root, 'bundle'), catalog: catalogPath };
}

const source =
  values.bundle !== undefined && values.catalog !== undefined
    ? { bundle: values.bundle, catalog: values.catalog }
    : await trainedSample(Number(values.count));

// The held-out images `cxr eval` scores: the test split, of the bundle's mined classes.
const probe = await loadBundle(source.bundle, { runtime: 'tfjs' });
const catalog = Catalog.open(source.catalog);
const set = await loadTrainingSet(catalog, decodingOf(probe.manifest));
catalog.close();
const classes = probe.manifest.baseClasses;
probe.dispose();
const held = set.examples.filter(
  (e) => e.split === 'test' && e.className !== undefined && classes.includes(e.className),
);
const images = held.map((e) => ({ data: e.pixels }));

async function annotateAll(annotator: Annotator): Promise<Annotation[]> {
  const annotations: Annotation[] = [];
  for (let at = 0; at < images.length; at += 64)
    annotations.push(...(await annotator.annotateDecoded(images.slice(at, at + 64))));
  return annotations;
}

/** Annotations of the held-out images and the wall-clock milliseconds per image over at least `--seconds`. */
async function measure(annotator: Annotator): Promise<{ annotations: Annotation[]; ms: number }> {
  const annotations = await annotateAll(annotator); // also the warm-up
  let passes = 0;
  const started = performance.now();
  while (passes === 0 || performance.now() - started < Number(values.seconds) * 1000) {
    await annotateAll(annotator);
    passes++;
  }
  return { annotations, ms: (performance.now() - started) / (passes * images.length) };
}

const truth = held.map((e: TrainingExample) => [e.sequence]);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const onnxByWidth = new Map<number, Annotation[]>();
const differing = (a: Annotation[], b: Annotation[]) =>
  a.filter((x, i) => x.sequence.join() !== b[i]?.sequence.join()).length;
const rows: string[] = [];
for (const runtime of ['onnx', 'tfjs'] as const) {
  let greedyMs = 0;
  let greedy: Annotation[] = [];
  for (const width of widths) {
    const annotator = await loadBundle(source.bundle, { runtime, beam: width });
    const { annotations, ms } = await measure(annotator);
    annotator.dispose();
    if (width === widths[0]) [greedyMs, greedy] = [ms, annotations];
    const bleu = corpusBleu(
      annotations.map((a) => a.sequence),
      truth,
    );
    // The decoder's probability of the words it wrote after the first (the reading confidence without the class's).
    const wordsProbability = mean(annotations.map((a) => (a.confidence > 0 ? a.readingConfidence / a.confidence : 0)));
    if (runtime === 'onnx') onnxByWidth.set(width, annotations);
    const unlikeOnnx = runtime === 'onnx' ? '' : differing(annotations, onnxByWidth.get(width) ?? []);
    rows.push(
      `| ${runtime} | ${width} | ${[bleu.bleu1, bleu.bleu2, bleu.bleu3, bleu.bleu4].map((b) => b.toFixed(3)).join(' | ')} | ${mean(annotations.map((a) => a.sequence.length)).toFixed(2)} | ${wordsProbability.toFixed(3)} | ${ms.toFixed(2)} | ${(ms / greedyMs).toFixed(2)} | ${differing(annotations, greedy)} | ${unlikeOnnx} |`,
    );
    process.stderr.write(`${rows.at(-1)}\n`);
  }
}

console.log(`${held.length} test images of ${classes.length} classes; bundle ${source.bundle}`);
console.log(
  '| runtime | beam | BLEU-1 | BLEU-2 | BLEU-3 | BLEU-4 | words | P(words) | ms/image | × beam 1 | ≠ beam 1 | ≠ ONNX |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
