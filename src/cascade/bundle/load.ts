import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { cxrError } from '../../errors.js';
import { type Annotator, createAnnotator } from '../annotator.js';
import '../layers/batch-norm.js'; // registers the CNNs' own layers for deserialisation
import '../layers/seeded-dropout.js';
import { RnnDecoder } from '../models/rnn.js';
import { BUNDLE_FORMAT, BUNDLE_VERSION, type BundleManifest } from './format.js';
import { contentHash } from './save.js';

/**
 * Opens a model bundle as an Annotator. Refuses a missing bundle (BUNDLE_NOT_FOUND), one from another format
 * version (BUNDLE_VERSION) and one whose files do not match its content hash (BUNDLE_CORRUPT).
 */
export async function loadBundle(dir: string): Promise<Annotator> {
  const manifestPath = join(dir, 'bundle.json');
  if (!existsSync(manifestPath))
    throw cxrError('BUNDLE_NOT_FOUND', `no model bundle at ${dir} (bundle.json missing)`, { path: dir });
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as BundleManifest;
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
  const first = await loadLayers(join(dir, 'cnn-first'));
  const final = await loadLayers(join(dir, 'cnn-final'));
  const decoder = await loadDecoder(dir);
  const embedderOf = (model: tf.LayersModel) =>
    tf.model({ inputs: model.inputs, outputs: model.getLayer(manifest.embeddingLayer).output as tf.SymbolicTensor });
  return createAnnotator({
    manifest,
    firstEmbedder: embedderOf(first),
    finalClassifier: final,
    finalEmbedder: embedderOf(final),
    decoder,
    release: () => {
      first.dispose();
      final.dispose();
      decoder.dispose();
    },
  });
}

async function loadLayers(dir: string): Promise<tf.LayersModel> {
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
