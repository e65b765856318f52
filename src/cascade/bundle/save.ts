import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { type Annotator, createAnnotator } from '../annotator.js';
import type { TrainedCascade } from '../cascade.js';
import { DEFAULT_BEAM } from '../models/beam-search.js';
import type { RnnDecoder } from '../models/rnn.js';
import { exportCnnToOnnx } from '../onnx/export-cnn.js';
import { ONNX_FINAL, ONNX_FIRST } from '../onnx/onnx-annotator.js';
import { BUNDLE_FORMAT, BUNDLE_VERSION, type BundleManifest } from './format.js';
import { trainingReportHtml } from './report.js';

/** The training report inside every bundle (HTML, opened in any browser). */
export const REPORT_FILE = 'report.html';

/**
 * Writes a trained cascade as a bundle: the first and final CNN (tfjs layers format), the decoder's weights, the
 * vocabulary, class maps, preprocessing, metrics, options and a content hash. Written to a temporary folder and
 * renamed over `dir` only when complete, so a crash never leaves half a bundle where a whole one was.
 */
export async function saveBundle(cascade: TrainedCascade, dir: string): Promise<BundleManifest> {
  const temporary = `${dir}.tmp-${process.pid}`;
  await rm(temporary, { recursive: true, force: true });
  await mkdir(temporary, { recursive: true });
  await saveLayers(cascade.firstCnn.network, join(temporary, 'cnn-first'));
  await saveLayers(cascade.finalCnn.network, join(temporary, 'cnn-final'));
  await saveDecoder(cascade.decoder, temporary);
  // ONNX copies of both CNNs (batch norm folded): what inference at scale runs (src/cascade/onnx).
  const embeddingLayer = embeddingLayerOf(cascade);
  await writeFile(join(temporary, ONNX_FIRST), exportCnnToOnnx(cascade.firstCnn.network, embeddingLayer));
  await writeFile(join(temporary, ONNX_FINAL), exportCnnToOnnx(cascade.finalCnn.network, embeddingLayer));
  const manifest = bundleManifest(cascade, await contentHash(temporary));
  await writeFile(join(temporary, 'bundle.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(join(temporary, REPORT_FILE), trainingReportHtml(manifest));
  await mkdir(dirname(dir), { recursive: true });
  const previous = `${dir}.old-${process.pid}`;
  await rename(dir, previous).catch(() => undefined);
  await rename(temporary, dir);
  await rm(previous, { recursive: true, force: true });
  return manifest;
}

/** The manifest describing a trained cascade; `contentHash` is filled in once its files are written. */
export function bundleManifest(cascade: TrainedCascade, hash: string): BundleManifest {
  return {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    created: new Date().toISOString(),
    contentHash: hash,
    preprocessing: {
      decodeSize: cascade.geometry.size,
      crop: cascade.geometry.crop,
      channels: 1,
      normalise: 'centre',
      resize: 'area', // what loadTrainingSet decodes with
      views: cascade.geometry.views,
    },
    baseClasses: cascade.baseClasses,
    firstClasses: cascade.firstClasses,
    finalClasses: cascade.finalClasses,
    vocabulary: cascade.vocabulary.words,
    firstWords: cascade.firstWords,
    priorCorrection: cascade.priorCorrection,
    findings: cascade.findings,
    calibration: cascade.calibration,
    embeddingCentre: cascade.embeddingCentre,
    maxWords: cascade.options.rnnTraining.maxWords,
    embeddingLayer: embeddingLayerOf(cascade),
    rnn: { ...cascade.decoder.options },
    options: cascade.options as unknown as Record<string, unknown>,
    metrics: cascade.reports.map(({ cnnHistory, rnnHistory, ...report }) => ({
      ...report,
      cnnLoss: cnnHistory.map((h) => h.loss),
      rnnLoss: rnnHistory.map((h) => h.loss),
    })),
  };
}

function embeddingLayerOf(cascade: TrainedCascade): string {
  return cascade.options.cnn.pooling === 'global' ? 'global_pool' : 'embedding';
}

/** An Annotator over a cascade still in memory (its models stay owned by the cascade). */
export function cascadeAnnotator(cascade: TrainedCascade, beam = DEFAULT_BEAM): Annotator {
  return createAnnotator({
    manifest: bundleManifest(cascade, ''),
    firstEmbedder: cascade.firstCnn.embedder,
    finalNetwork: cascade.finalCnn.network,
    finalEmbedder: cascade.finalCnn.embedder,
    decoder: cascade.decoder,
    beam,
    release: () => {},
  });
}

async function saveLayers(model: tf.LayersModel, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      await writeFile(join(dir, 'weights.bin'), Buffer.from(artifacts.weightData as ArrayBuffer));
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      await writeFile(join(dir, 'model.json'), JSON.stringify(modelJson));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

async function saveDecoder(decoder: RnnDecoder, dir: string): Promise<void> {
  const variables = decoder.variables;
  const shapes = variables.map((v) => v.shape);
  const data = await Promise.all(variables.map((v) => v.data() as Promise<Float32Array>));
  const total = data.reduce((n, d) => n + d.length, 0);
  const all = new Float32Array(total);
  let at = 0;
  for (const d of data) {
    all.set(d, at);
    at += d.length;
  }
  await writeFile(join(dir, 'rnn.bin'), Buffer.from(all.buffer));
  await writeFile(join(dir, 'rnn.json'), JSON.stringify({ options: decoder.options, shapes }));
}

/** sha256 over every file but bundle.json, by relative path in sorted order: the bundle's identity. */
export async function contentHash(dir: string): Promise<string> {
  const hash = createHash('sha256');
  const files = (await readdir(dir, { recursive: true, withFileTypes: true }))
    // The manifest holds the hash, and the report is rendered from the manifest: neither is hashed.
    .filter((entry) => entry.isFile() && entry.name !== 'bundle.json' && entry.name !== REPORT_FILE)
    .map((entry) => join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name))
    .sort();
  for (const file of files) {
    hash.update(file.slice(dir.length));
    hash.update(await readFile(file));
  }
  return hash.digest('hex');
}
