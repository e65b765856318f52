import { availableParallelism } from 'node:os';
import type { ResizeKernel } from '../../datasets/images/decode.js';
import { createDecodePool } from '../../datasets/images/decode-pool.js';
import { resolveInside } from '../../datasets/paths.js';
import type { SkippedItem } from '../../datasets/record.js';
import { isCxrError } from '../../errors.js';
import type { Split } from '../../labels/splits.js';
import { NORMAL } from '../../labels/vocabulary/qualifiers.js';
import { mapConcurrently } from '../../map-concurrently.js';
import type { Catalog } from '../../store/catalog.js';

export interface TrainingExample {
  imageId: string;
  split: Split;
  /** Images of one patient are not independent: bootstrap intervals resample patients. */
  patientId?: string;
  /** The mined class (pattern) of the image; undefined when its pattern is too rare to be a class. */
  className: string | undefined;
  sequence: string[];
  /** The findings (top terms) its labels state present, and those they state uncertain: the per-finding head's targets. */
  positives: string[];
  uncertain: string[];
  /** Grey values, `size`×`size`, row-major. */
  pixels: Float32Array;
}

export interface TrainingSet {
  examples: TrainingExample[];
  size: number;
  skipped: SkippedItem[];
}

export interface LoadOptions {
  dataset?: string;
  /** Side the images are decoded at (the model input plus a margin for random crops). */
  size: number;
  /** How images are brought to `size`: new training uses `area`; evaluating a bundle uses what it was trained on. */
  resize?: ResizeKernel;
  /** Threads decoding images (default: every core). */
  threads?: number;
  onProgress?: (done: number, total: number) => void;
}

interface Row {
  image_id: string;
  patient_id: string | null;
  path: string;
  split: Split;
  class: string | null;
  pattern: string;
  sequence: string;
  uncertain: string;
  root: string | null;
}

/**
 * The mined images with files (classed or not: the per-finding head learns from every labelled image), decoded once
 * into memory at `size`. Image paths are resolved inside the
 * image folder their import named; an image that no longer decodes is skipped with its code, not fatal.
 */
export async function loadTrainingSet(catalog: Catalog, options: LoadOptions): Promise<TrainingSet> {
  const filter = options.dataset === undefined ? '' : 'AND s.dataset = ?';
  const rows = catalog.db
    .prepare(
      `SELECT l.image_id, s.patient_id, i.path, l.split, l.class, l.pattern, l.sequence, l.uncertain, d.root
       FROM image_labels l JOIN images i ON i.id = l.image_id JOIN studies s ON s.id = i.study_id LEFT JOIN dataset_roots d ON d.dataset = s.dataset
       WHERE i.status IN ('ok', 'unverified') AND i.path IS NOT NULL ${filter}
       ORDER BY l.image_id`,
    )
    .all(...(options.dataset === undefined ? [] : [options.dataset])) as Row[];
  const skipped: SkippedItem[] = [];
  let done = 0;
  // Nothing else runs while the set loads, so every core decodes.
  const threads = options.threads ?? availableParallelism();
  const pool = createDecodePool({ size: options.size, resize: options.resize ?? 'area' }, threads);
  const examples = await mapConcurrently(rows, 4 * threads, async (row) => {
    try {
      const image = await pool.decode(resolveInside(row.root ?? '.', row.path));
      return {
        imageId: row.image_id,
        split: row.split,
        ...(row.patient_id === null ? {} : { patientId: row.patient_id }),
        className: row.class ?? undefined,
        sequence: JSON.parse(row.sequence) as string[],
        positives: row.pattern === NORMAL ? [] : row.pattern.split(' + '),
        uncertain: JSON.parse(row.uncertain) as string[],
        pixels: image.data,
      };
    } catch (error) {
      if (!isCxrError(error)) throw error;
      skipped.push({ code: error.code, item: row.image_id, message: error.message });
      return undefined;
    } finally {
      options.onProgress?.(++done, rows.length);
    }
  }).finally(() => pool.close());
  return { examples: examples.filter((e): e is TrainingExample => e !== undefined), size: options.size, skipped };
}
