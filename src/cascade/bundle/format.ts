import type { ResizeKernel } from '../../datasets/images/decode.js';
import type { Calibration } from '../calibration/calibration.js';

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
  /** `resize`: absent in bundles written before it was recorded, which were trained on sharp's lanczos3. */
  preprocessing: { decodeSize: number; crop: number; channels: 1; normalise: 'centre'; resize?: ResizeKernel };
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
