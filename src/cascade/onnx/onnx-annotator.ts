import { join } from 'node:path';
import type * as Ort from 'onnxruntime-node';
import { cxrError } from '../../errors.js';
import { type Annotator, averageViews, type CnnOutputs, decodeForBundle, readAnnotations } from '../annotator.js';
import { type BundleManifest, viewsOf } from '../bundle/format.js';
import { viewPixels } from '../data/batches.js';
import { ONNX_EMBEDDING, ONNX_FINDINGS, ONNX_INPUT, ONNX_PROBABILITIES } from './export-cnn.js';
import { OnnxDecoder } from './onnx-decoder.js';

export const ONNX_FIRST = 'cnn-first.onnx';
export const ONNX_FINAL = 'cnn-final.onnx';

export interface OnnxOptions {
  /** Threads each ONNX Runtime session uses inside an operator (default: what ONNX Runtime picks, all cores). */
  threads?: number;
  /** Execution providers in order of preference; `cuda` needs ONNX Runtime's CUDA build (see the README). */
  providers?: Array<'cpu' | 'cuda'>;
}

/** onnxruntime-node, when it loads on this machine (its native binary ships for the common platforms). */
export async function loadOnnxRuntime(): Promise<typeof Ort | undefined> {
  try {
    return await import('onnxruntime-node');
  } catch {
    return undefined;
  }
}

/**
 * An Annotator that runs entirely in ONNX Runtime: the bundle's two CNNs (`cnn-first.onnx`, `cnn-final.onnx`) and
 * the decoder (its weights turned into step graphs at load time; `beam` hypotheses per image, 1 for greedy). The
 * same readings as the TensorFlow.js annotator, several times faster on a CPU.
 */
export async function createOnnxAnnotator(
  ort: typeof Ort,
  dir: string,
  manifest: BundleManifest,
  options: OnnxOptions,
  beam: number,
): Promise<Annotator> {
  const sessionOptions: Ort.InferenceSession.SessionOptions = {
    executionProviders: options.providers ?? ['cpu'],
    graphOptimizationLevel: 'all',
    // ONNX Runtime's threads spin while they wait for work by default. Between the many small operators of a 64²
    // cascade they spin more than they compute, and they spin on the cores the index build decodes on: with
    // spinning, 2 threads ran the cascade at 1,856 images/s for 1.07 ms of CPU each; without, 3,062 for 0.57 ms.
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    ...(options.threads === undefined ? {} : { intraOpNumThreads: options.threads, interOpNumThreads: 1 }),
  };
  let first: Ort.InferenceSession;
  let final: Ort.InferenceSession;
  try {
    first = await ort.InferenceSession.create(join(dir, ONNX_FIRST), sessionOptions);
    final = await ort.InferenceSession.create(join(dir, ONNX_FINAL), sessionOptions);
  } catch (error) {
    throw cxrError('BUNDLE_CORRUPT', `bundle ${dir}: its ONNX models do not load: ${(error as Error).message}`, {
      path: dir,
    });
  }
  const decoder = await OnnxDecoder.fromBundle(ort, dir, sessionOptions);
  const size = manifest.preprocessing.decodeSize;
  const crop = manifest.preprocessing.crop;
  const views = viewsOf(manifest);
  /** Both CNNs on one view (crop offset) of the batch. */
  const readView = async (pixels: Float32Array[], offset: (typeof views)[number]): Promise<CnnOutputs> => {
    const input = new ort.Tensor('float32', viewPixels(pixels, size, crop, offset), [pixels.length, 1, crop, crop]);
    const [firstOut, finalOut] = await Promise.all([
      first.run({ [ONNX_INPUT]: input }),
      final.run({ [ONNX_INPUT]: input }),
    ]);
    const rows = (tensor: Ort.Tensor | undefined) => {
      const data = tensor?.data as Float32Array;
      const width = tensor?.dims[1] as number;
      return pixels.map((_, i) => data.subarray(i * width, (i + 1) * width));
    };
    const findings = finalOut[ONNX_FINDINGS];
    return {
      probabilities: rows(finalOut[ONNX_PROBABILITIES]),
      findings: findings === undefined ? undefined : rows(findings),
      first: rows(firstOut[ONNX_EMBEDDING]),
      final: rows(finalOut[ONNX_EMBEDDING]),
    };
  };
  const annotator: Annotator = {
    manifest,
    runtime: 'onnx',
    async annotate(images) {
      return this.annotateDecoded(await decodeForBundle(manifest, images));
    },
    async annotateDecoded(decoded) {
      if (decoded.length === 0) return [];
      const pixels = decoded.map((d) => d.data);
      const perView: CnnOutputs[] = [];
      // One view at a time: each run already uses every thread ONNX Runtime was given.
      for (const offset of views) perView.push(await readView(pixels, offset));
      const outputs = averageViews(perView);
      const embeddings = outputs.final.map((row) => (row instanceof Float32Array ? row : Float32Array.from(row)));
      return readAnnotations(manifest, outputs, (words, end, max) =>
        decoder.beamScored(embeddings, words, end, max, beam),
      );
    },
    dispose() {
      void first.release();
      void final.release();
      decoder.release();
    },
  };
  return annotator;
}
