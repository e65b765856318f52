import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { cxrError } from '../../errors.js';
import { type Annotator, createAnnotator } from '../annotator.js';
import '../layers/batch-norm.js'; // registers the CNNs' own layers for deserialisation
import '../layers/seeded-dropout.js';
import { beamWidth } from '../models/beam-search.js';
import { RnnDecoder } from '../models/rnn.js';
import {
  createOnnxAnnotator,
  loadOnnxRuntime,
  ONNX_FINAL,
  ONNX_FIRST,
  type OnnxOptions,
} from '../onnx/onnx-annotator.js';
import { BUNDLE_FORMAT, BUNDLE_VERSION, type BundleManifest } from './format.js';
import { onnxFromEnvironment, runtimeFromEnvironment } from './runtime-environment.js';
import { contentHash } from './save.js';

export interface LoadOptions {
  /**
   * Which runtime runs the CNNs: `auto` (default) prefers ONNX Runtime when the bundle has ONNX models and
   * onnxruntime-node loads, else TensorFlow.js; `onnx` insists; `tfjs` never uses ONNX. Also `CXR_RUNTIME`.
   */
  runtime?: 'auto' | 'onnx' | 'tfjs';
  onnx?: OnnxOptions;
  /** `none` reads the CNNs' outputs without the bundle's calibration (for measuring what calibration does). */
  calibration?: 'apply' | 'none';
  /** Hypotheses the annotation decoder keeps per image, 1 to 10 (1: greedy); default DEFAULT_BEAM. */
  beam?: number;
}

/**
 * Opens a model bundle as an Annotator (ONNX Runtime or TensorFlow.js, see LoadOptions). Refuses a missing bundle (BUNDLE_NOT_FOUND), one from another format
 * version (BUNDLE_VERSION) and one whose files do not match its content hash (BUNDLE_CORRUPT).
 */
export async function loadBundle(dir: string, options: LoadOptions = {}): Promise<Annotator> {
  const manifestPath = join(dir, 'bundle.json');
  if (!existsSync(manifestPath))
    throw cxrError('BUNDLE_NOT_FOUND', `no model bundle at ${dir} (bundle.json missing)`, { path: dir });
  const stored = parseManifest(await readFile(manifestPath, 'utf8'), dir);
  const { calibration: _, ...uncalibrated } = stored;
  const manifest = options.calibration === 'none' ? uncalibrated : stored;
  if (manifest.format !== BUNDLE_FORMAT || manifest.version !== BUNDLE_VERSION) {
    throw cxrError(
      'BUNDLE_VERSION',
      `bundle ${dir} is ${manifest.format} version ${manifest.version}; this program reads ${BUNDLE_FORMAT} version ${BUNDLE_VERSION}`,
      {
        format: manifest.format,
        version: manifest.version,
      },
    );
  }
  if ((await contentHash(dir)) !== manifest.contentHash) {
    throw cxrError('BUNDLE_CORRUPT', `bundle ${dir}: its files do not match its content hash (changed or incomplete)`, {
      path: dir,
    });
  }
  const runtime = options.runtime ?? runtimeFromEnvironment();
  const beam = beamWidth(options.beam);
  if (runtime !== 'tfjs' && existsSync(join(dir, ONNX_FIRST)) && existsSync(join(dir, ONNX_FINAL))) {
    const ort = await loadOnnxRuntime();
    if (ort !== undefined) return createOnnxAnnotator(ort, dir, manifest, options.onnx ?? onnxFromEnvironment(), beam);
    if (runtime === 'onnx') throw cxrError('BACKEND_UNAVAILABLE', 'onnxruntime-node does not load on this machine');
  } else if (runtime === 'onnx') {
    throw cxrError('BUNDLE_VERSION', `bundle ${dir} has no ONNX models (train it again to get them)`, { path: dir });
  }
  const first = await loadLayers(join(dir, 'cnn-first'));
  const final = await loadLayers(join(dir, 'cnn-final'));
  const decoder = await loadDecoder(dir);
  const embedderOf = (model: tf.LayersModel) =>
    tf.model({ inputs: model.inputs, outputs: model.getLayer(manifest.embeddingLayer).output as tf.SymbolicTensor });
  return createAnnotator({
    manifest,
    firstEmbedder: embedderOf(first),
    finalNetwork: final,
    finalEmbedder: embedderOf(final),
    decoder,
    beam,
    release: () => {
      first.dispose();
      final.dispose();
      decoder.dispose();
    },
  });
}

/** bundle.json, or BUNDLE_CORRUPT when it is not JSON (damaged on disk, cut short by a crash). */
function parseManifest(text: string, dir: string): BundleManifest {
  try {
    return JSON.parse(text) as BundleManifest;
  } catch (error) {
    throw cxrError('BUNDLE_CORRUPT', `bundle ${dir}: bundle.json is not readable JSON (${(error as Error).message})`, {
      path: dir,
    });
  }
}

/** A saved CNN (tfjs layers format) from a bundle folder. */
export async function loadLayers(dir: string): Promise<tf.LayersModel> {
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as {
    modelTopology: object;
    weightsManifest: Array<{ weights: tf.io.WeightsManifestEntry[] }>;
  };
  const weights = await readFile(join(dir, 'weights.bin'));
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest[0]?.weights ?? [],
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }),
  );
}

async function loadDecoder(dir: string): Promise<RnnDecoder> {
  const { options, shapes } = JSON.parse(await readFile(join(dir, 'rnn.json'), 'utf8')) as {
    options: ConstructorParameters<typeof RnnDecoder>[0];
    shapes: number[][];
  };
  const bytes = await readFile(join(dir, 'rnn.bin'));
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const decoder = new RnnDecoder(options);
  if (
    decoder.variables.length !== shapes.length ||
    decoder.variables.some((v, i) => v.shape.join() !== shapes[i]?.join())
  ) {
    decoder.dispose();
    throw cxrError('BUNDLE_CORRUPT', `bundle ${dir}: the decoder's weights do not fit its options`, { path: dir });
  }
  let at = 0;
  const values = shapes.map((shape) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const tensor = tf.tensor(all.subarray(at, at + size), shape);
    at += size;
    return tensor;
  });
  decoder.setWeights(values);
  tf.dispose(values);
  return decoder;
}
