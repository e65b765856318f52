import * as tf from '@tensorflow/tfjs';
import { decodeGrey, type GreyImage } from '../datasets/images/decode.js';
import { LOCATION_WORDS, SEVERITY_WORDS, SIDE_WORDS } from '../labels/sequences.js';
import { type BundleManifest, decodingOf, viewsOf } from './bundle/format.js';
import { calibrateClasses, calibrateFindings } from './calibration/calibration.js';
import { viewBatch } from './data/batches.js';
import type { TrainingExample } from './data/training-set.js';
import { meanOverViews } from './data/views.js';
import type { RnnDecoder, ScoredSequence } from './models/rnn.js';
import { applyCorrection } from './training/data-dropout.js';
import { baseClass } from './training/train-cnn.js';
import { Vocabulary } from './vocabulary.js';

/** The cascade's reading of one image. */
export interface Annotation {
  /** The generated annotation words (multi-word terms joined by `_`). */
  sequence: string[];
  /** The mined class of the final CNN's top class (`pleural effusion`, `normal`, …). */
  disease: string;
  locations: string[];
  side?: string;
  severity?: string;
  /** Probability of the top mined class (refined sub-classes summed). */
  confidence: number;
  /**
   * Confidence in the whole reading: the class probability times the decoder's probability of each word it
   * wrote after the first (side, place, severity). What ranks generated findings in search.
   */
  readingConfidence: number;
  alternatives: Array<{ disease: string; probability: number }>;
  /** Probability of every mined class, in the bundle's `baseClasses` order. */
  scores: number[];
  /**
   * The per-finding (multi-label) head: each finding's calibrated probability, in the bundle's `findings` order.
   * Empty for bundles trained before the head existed.
   */
  findings: FindingProbability[];
  /**
   * The first and the final CNN's embeddings, less the bundle's training mean (`embeddingCentre`): what search
   * indexes (cosine).
   */
  embeddings: { first: Float32Array; final: Float32Array };
}

/** One finding (disease heading) of the multi-label head and its calibrated probability. */
export interface FindingProbability {
  finding: string;
  probability: number;
}

export interface Annotator {
  readonly manifest: BundleManifest;
  /** Image files or encoded bytes (PNG, JPEG, TIFF, DICOM), any size, grey or RGB. */
  annotate(images: Array<string | Uint8Array>): Promise<Annotation[]>;
  /** Images already decoded at the bundle's `preprocessing.decodeSize`. */
  annotateDecoded(images: Array<{ data: Float32Array }>): Promise<Annotation[]>;
  /** Which runtime runs the CNNs: TensorFlow.js (any backend) or ONNX Runtime. */
  readonly runtime: 'tfjs' | 'onnx';
  dispose(): void;
}

export interface AnnotatorParts {
  manifest: BundleManifest;
  firstEmbedder: tf.LayersModel;
  /** Image → class probabilities, or [class probabilities, finding probabilities] with a finding head. */
  finalNetwork: tf.LayersModel;
  finalEmbedder: tf.LayersModel;
  decoder: RnnDecoder;
  /** Hypotheses the decoder keeps per image (1: greedy). */
  beam: number;
  /** Called by dispose(): frees whatever the parts own. */
  release(): void;
}

export function createAnnotator(parts: AnnotatorParts): Annotator {
  const { manifest } = parts;
  const size = manifest.preprocessing.decodeSize;
  const crop = manifest.preprocessing.crop;
  const views = viewsOf(manifest);
  return {
    manifest,
    runtime: 'tfjs',
    async annotate(images) {
      return this.annotateDecoded(await decodeForBundle(manifest, images));
    },
    async annotateDecoded(decoded) {
      const examples = decoded.map((image) => ({ pixels: image.data }) as TrainingExample);
      const indices = examples.map((_, i) => i);
      const perView = views.map((offset) =>
        tf.tidy(() => {
          const x = viewBatch(examples, indices, size, crop, offset);
          const outputs = parts.finalNetwork.predict(x) as tf.Tensor | tf.Tensor[];
          const [classes, found] = Array.isArray(outputs) ? outputs : [outputs];
          return {
            probabilities: (classes as tf.Tensor).arraySync() as number[][],
            findings: found === undefined ? undefined : (found.arraySync() as number[][]),
            first: (parts.firstEmbedder.predict(x) as tf.Tensor).arraySync() as number[][],
            final: (parts.finalEmbedder.predict(x) as tf.Tensor).arraySync() as number[][],
          };
        }),
      );
      const outputs = averageViews(perView);
      return readAnnotations(manifest, outputs, (firstWords, end, maxWords) => {
        const embeddings = tf.tensor2d(outputs.final.map((row) => Array.from(row)));
        const sequences = parts.decoder.beamScored(embeddings, firstWords, end, maxWords, parts.beam);
        embeddings.dispose();
        return sequences;
      });
    },
    dispose: () => parts.release(),
  };
}

/** The CNNs' outputs averaged over the views they were read at (the same outputs for a single view). */
export function averageViews(perView: CnnOutputs[]): CnnOutputs {
  const findings = perView.map((v) => v.findings);
  return {
    probabilities: meanOverViews(perView.map((v) => v.probabilities)),
    findings: findings.every((f) => f !== undefined) ? meanOverViews(findings as ArrayLike<number>[][]) : undefined,
    first: meanOverViews(perView.map((v) => v.first)),
    final: meanOverViews(perView.map((v) => v.final)),
  };
}

/** Decodes word sequences from each image's first word (the runtime's own decoder). */
export type GreedyDecode = (
  firstWords: number[],
  endToken: number,
  maxWords: number,
) => ScoredSequence[] | Promise<ScoredSequence[]>;

/** Files or encoded bytes decoded as the bundle's images were in training (its size and resize kernel). */
export function decodeForBundle(manifest: BundleManifest, images: Array<string | Uint8Array>): Promise<GreyImage[]> {
  const { size, resize } = decodingOf(manifest);
  return Promise.all(images.map((image) => decodeGrey(image, size, resize)));
}

/** The CNNs' outputs for a batch of images, rows by image, whichever runtime produced them. */
export interface CnnOutputs {
  probabilities: ArrayLike<number>[];
  /** The final CNN's finding head (undefined for bundles without one). */
  findings?: ArrayLike<number>[];
  first: ArrayLike<number>[];
  final: ArrayLike<number>[];
}

/**
 * The cascade's reading from the CNNs' outputs, whichever runtime produced them: prior correction and
 * calibration, the top class and its first word, the decoded sequence, side / severity / places read from it,
 * per-disease scores (refined classes summed into their mined class), alternatives, calibrated finding
 * probabilities, embeddings.
 */
export async function readAnnotations(
  manifest: BundleManifest,
  outputs: CnnOutputs,
  decode: GreedyDecode,
): Promise<Annotation[]> {
  const { first, final } = outputs;
  const vocabulary = new Vocabulary(manifest.vocabulary.slice(1));
  const corrected = outputs.probabilities.map((p) =>
    calibrateClasses(applyCorrection(Array.from(p), manifest.priorCorrection ?? []), manifest.calibration),
  );
  const names = manifest.findings ?? [];
  const top = corrected.map((p) => p.indexOf(Math.max(...p)));
  const sequences = await decode(
    top.map((c) => manifest.firstWords[c] as number),
    vocabulary.end,
    manifest.maxWords,
  );
  return corrected.map((p, i) => {
    const scores = manifest.baseClasses.map((disease) =>
      manifest.finalClasses.reduce((sum, name, c) => (baseClass(name) === disease ? sum + (p[c] as number) : sum), 0),
    );
    const byDisease = manifest.baseClasses
      .map((disease, d) => ({ disease, probability: scores[d] as number }))
      .sort((a, b) => b.probability - a.probability);
    const decoded = sequences[i] as ScoredSequence;
    const words = vocabulary.decode(decoded.words);
    const confidence = byDisease[0]?.probability ?? 0;
    return {
      sequence: words,
      disease: baseClass(manifest.finalClasses[top[i] as number] as string),
      locations: words.filter((w) => LOCATION_WORDS.has(w)).map((w) => w.replace(/_/g, ' ')),
      side: words.find((w) => SIDE_WORDS.has(w)),
      severity: words.find((w) => SEVERITY_WORDS.has(w)),
      confidence,
      readingConfidence: decoded.probabilities.reduce((product, p) => product * p, confidence),
      alternatives: byDisease.slice(0, 3),
      scores,
      findings: findingsOf(names, outputs.findings?.[i], manifest),
      embeddings: {
        first: centred(first[i] as ArrayLike<number>, manifest.embeddingCentre?.first),
        final: centred(final[i] as ArrayLike<number>, manifest.embeddingCentre?.final),
      },
    };
  });
}

/** An embedding less its CNN's training mean (as it is without a centre of its length: older bundles). */
function centred(embedding: ArrayLike<number>, centre: number[] | undefined): Float32Array {
  if (centre === undefined || centre.length !== embedding.length) return Float32Array.from(embedding);
  return Float32Array.from(embedding, (value, j) => value - (centre[j] as number));
}

/** The finding head's calibrated probabilities, named. */
function findingsOf(
  names: string[],
  raw: ArrayLike<number> | undefined,
  manifest: BundleManifest,
): FindingProbability[] {
  if (raw === undefined || names.length === 0) return [];
  const calibrated = calibrateFindings(raw, manifest.calibration);
  return names.map((finding, f) => ({ finding, probability: calibrated[f] as number }));
}
