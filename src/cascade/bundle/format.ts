import type { ResizeKernel } from '../../datasets/images/decode.js';
import type { Calibration } from '../calibration/calibration.js';
import { type CropOffset, centreOffset } from '../data/views.js';

/** A model bundle on disk: `bundle.json` (this manifest) beside the models it names. */
export const BUNDLE_FORMAT = 'cxr-bundle';
/** Bumped whenever a bundle written by this version cannot be read by the previous one, or the other way round. */
export const BUNDLE_VERSION = 1;

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  version: number;
  created: string;
  /** sha256 over every other file of the bundle, in name order. */
  contentHash: string;
  /**
   * `resize`: absent in bundles written before it was recorded, which were trained on sharp's lanczos3. `views`:
   * the crop offsets whose outputs are averaged (test-time augmentation); absent: the centre crop alone.
   */
  preprocessing: {
    decodeSize: number;
    crop: number;
    channels: 1;
    normalise: 'centre';
    resize?: ResizeKernel;
    views?: CropOffset[];
  };
  /** The mined classes, the first CNN's classes (the same) and the final CNN's (refined) classes. */
  baseClasses: string[];
  firstClasses: string[];
  finalClasses: string[];
  /** The decoder's words (index 0: end token) and each final class's first word. */
  vocabulary: string[];
  firstWords: number[];
  /** Per final class: true share / trained share, applied to the final CNN's probabilities (absent: none). */
  priorCorrection?: number[];
  /** The final CNN's per-finding head, in output order (absent in bundles trained before it). */
  findings?: string[];
  /** Fitted on the validation split; applied after the prior correction (absent: probabilities as the CNN gives them). */
  calibration?: Calibration;
  /**
   * Each CNN's mean embedding over its training images, subtracted from the embeddings annotation gives search
   * (absent, or empty, in bundles trained before it: embeddings as the CNN gives them).
   */
  embeddingCentre?: { first: number[]; final: number[] };
  maxWords: number;
  /** Layer whose output is the embedding, in both CNNs. */
  embeddingLayer: string;
  rnn: Record<string, unknown>;
  options: Record<string, unknown>;
  metrics: unknown[];
}

/** How a bundle's images are brought to its input: the decode side and the resize kernel it was trained with. */
export function decodingOf(manifest: BundleManifest): { size: number; resize: ResizeKernel } {
  return { size: manifest.preprocessing.decodeSize, resize: manifest.preprocessing.resize ?? 'lanczos3' };
}

/** The crop offsets a bundle's images are read at (outputs averaged): its views, or the centre crop alone. */
export function viewsOf(manifest: BundleManifest): CropOffset[] {
  const { decodeSize, crop, views } = manifest.preprocessing;
  return views !== undefined && views.length > 0 ? views : [centreOffset(decodeSize, crop)];
}
