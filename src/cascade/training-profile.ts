import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Catalog } from '../store/catalog.js';
import type { CascadeOptions } from './cascade.js';

/** Kinds of collection the cascade's training defaults are chosen for. */
export const TRAINING_PROFILES = ['sample', 'radiographs'] as const;
export type TrainingProfile = (typeof TRAINING_PROFILES)[number];

/**
 * The training defaults per kind of collection, each measured on its kind (README, "Training defaults"): the
 * synthetic sample's drawn findings are large and clean, real radiographs' are subtle, so real images get a larger
 * input and augmentation.
 */
export const PROFILE_DEFAULTS: Record<TrainingProfile, { options: CascadeOptions; summary: string }> = {
  sample: {
    options: {
      cnn: { inputSize: 64, architecture: 'nin', width: 1 },
      cnnTraining: { epochs: 8, imbalance: 'data-dropout' },
      rnn: { cell: 'gru', init: 'learned' },
      rnnTraining: { epochs: 15 },
      iterations: 1,
    },
    summary: 'input 64², 8 CNN epochs per iteration, 15 RNN epochs, 1 refinement',
  },
  radiographs: {
    options: {
      cnn: { inputSize: 96, architecture: 'nin', width: 1 },
      cnnTraining: { epochs: 8, imbalance: 'data-dropout', augment: {} },
      rnn: { cell: 'gru', init: 'learned' },
      rnnTraining: { epochs: 15 },
      iterations: 1,
      views: 'shifts',
    },
    summary:
      'input 96², augmentation (crop, ±5° rotation, ±10% zoom, exposure, noise), 8 CNN epochs per iteration, 15 RNN epochs, 1 refinement; images read at 5 shifted crops, averaged',
  },
};

/**
 * Which defaults suit a catalog's collection: `sample` when every import came from a folder `cxr sample` wrote
 * (it leaves `ground-truth.jsonl` beside `reports/`), else `radiographs`. The reason is printed by `cxr train`.
 */
export function detectProfile(catalog: Catalog, dataset?: string): { profile: TrainingProfile; reason: string } {
  const sources = catalog.importSources(dataset);
  const synthetic = (source: string) => existsSync(join(dirname(source), 'ground-truth.jsonl'));
  if (sources.length > 0 && sources.every((s) => synthetic(s.source))) {
    return { profile: 'sample', reason: 'every import is a synthetic sample written by cxr sample' };
  }
  return {
    profile: 'radiographs',
    reason: sources.length === 0 ? 'the catalog names no import' : 'the collection is not (only) the synthetic sample',
  };
}

/** Options merged key by key: `override`'s defined values win, nested objects merge, arrays replace. */
export function mergeOptions<T extends object>(base: T, override: object): T {
  const merged: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(override)) {
    if (value === undefined) continue;
    const current = merged[key];
    merged[key] =
      isPlainObject(value) && isPlainObject(current) ? mergeOptions(current as object, value as object) : value;
  }
  return merged as T;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
