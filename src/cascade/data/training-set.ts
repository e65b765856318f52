import { decodeGrey } from '../../datasets/images/decode.js';
import { resolveInside } from '../../datasets/paths.js';
import type { SkippedItem } from '../../datasets/record.js';
import { isCxrError } from '../../errors.js';
import type { Split } from '../../labels/splits.js';
import type { Catalog } from '../../store/catalog.js';

export interface TrainingExample {
  imageId: string;
  split: Split;
  /** The mined class (pattern) of the image. */
  className: string;
  sequence: string[];
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
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
}

interface Row {
  image_id: string;
  path: string;
  split: Split;
  class: string;
  sequence: string;
  options: string;
}

/**
 * The mined, classed images with files, decoded once into memory at `size`. Image paths are resolved inside the
 * image folder their import named; an image that no longer decodes is skipped with its code, not fatal.
 */
export async function loadTrainingSet(catalog: Catalog, options: LoadOptions): Promise<TrainingSet> {
  const filter = options.dataset === undefined ? '' : 'AND s.dataset = ?';
  const rows = catalog.db
    .prepare(
      `SELECT l.image_id, i.path, l.split, l.class, l.sequence, m.options
       FROM image_labels l JOIN images i ON i.id = l.image_id JOIN studies s ON s.id = i.study_id JOIN imports m ON m.id = s.import_id
       WHERE l.class IS NOT NULL AND i.status IN ('ok', 'unverified') AND i.path IS NOT NULL ${filter}
       ORDER BY l.image_id`,
    )
    .all(...(options.dataset === undefined ? [] : [options.dataset])) as Row[];
  const examples: Array<TrainingExample | undefined> = new Array(rows.length);
  const skipped: SkippedItem[] = [];
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < rows.length) {
      const at = next++;
      const row = rows[at] as Row;
      try {
        const root = (JSON.parse(row.options) as { images?: string }).images ?? '.';
        const image = await decodeGrey(resolveInside(root, row.path), options.size);
        examples[at] = {
          imageId: row.image_id,
          split: row.split,
          className: row.class,
          sequence: JSON.parse(row.sequence) as string[],
          pixels: image.data,
        };
      } catch (error) {
        if (!isCxrError(error)) throw error;
        skipped.push({ code: error.code, item: row.image_id, message: error.message });
      }
      options.onProgress?.(++done, rows.length);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  return { examples: examples.filter((e): e is TrainingExample => e !== undefined), size: options.size, skipped };
}
