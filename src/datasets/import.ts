import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { isCxrError } from '../errors.js';
import { reportFindingsOf } from '../labels/report-findings.js';
import type { Catalog, CheckedImage } from '../store/catalog.js';
import { inspectImage } from './images/decode.js';
import { resolveInside } from './paths.js';
import type { ImportEvent, SkippedItem, StudyRecord } from './record.js';

/** How much of each image file the import checks: decode it fully, read its header, or trust it. */
export type VerifyLevel = 'decode' | 'header' | 'none';

export interface ImportOptions {
  /** Name records are keyed under (`openi`, `nih` …). */
  dataset: string;
  /** The folder image paths are relative to; absent: images are recorded without files (status `missing`). */
  images?: string;
  /** Keep records whose image files are absent, marking the images `missing`. Default false. */
  allowMissingImages?: boolean;
  verify?: VerifyLevel;
  /** Records written per transaction. Default 200. */
  batchSize?: number;
  /** Records whose images are checked at once (decoding runs on libvips threads). Default 4. */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (progress: ImportProgress) => void;
}

export interface ImportProgress {
  records: number;
  total?: number;
  written: number;
  unchanged: number;
  /** Records that name images none of which passed its check: nothing of them is written (no empty study). */
  withoutImages: number;
  /** Skipped items (rows, files, images), each listed in `skippedItems` with its code. */
  skipped: number;
}

export interface ImportSummary extends ImportProgress {
  importId: number;
  /** Images written: found (or recorded as missing, with allowMissingImages). */
  images: number;
  /** Of those, recorded without a file (allowMissingImages). */
  missingImages: number;
  /** Images refused by their check (IMAGE_MISSING, IMAGE_CORRUPT, PATH_OUTSIDE_DATASET …): not written. */
  refusedImages: number;
  /** The folder image paths were read relative to (undefined: none). */
  imageFolder?: string;
  interrupted: boolean;
  /** Every skipped item counted by code. */
  skippedByCode: Record<string, number>;
  /** The skipped items, the first MAX_LISTED_SKIPS of them (a collection whose images are elsewhere skips them all). */
  skippedItems: SkippedItem[];
}

/** How many skipped items an import keeps listed; beyond it they are only counted (`skippedByCode`). */
export const MAX_LISTED_SKIPS = 10_000;

/**
 * Runs an importer's records into the catalog: image paths are confined to the image folder and checked, each
 * failure skips only what failed with a coded reason, unchanged records are not rewritten (so an interrupted
 * import resumes quickly), and records are written in transactions of `batchSize`. The report of a record without
 * stated annotations is mined (its findings stored with source `report`).
 */
export async function runImport(
  catalog: Catalog,
  importer: string,
  source: string,
  events: (expectTotal: (n: number) => void) => AsyncIterable<ImportEvent>,
  options: ImportOptions,
): Promise<ImportSummary> {
  const verify = options.verify ?? 'decode';
  const batchSize = options.batchSize ?? 200;
  const importId = catalog.beginImport(importer, options.dataset, resolve(source), {
    ...options,
    signal: undefined,
    onProgress: undefined,
  });
  const summary: ImportSummary = {
    importId,
    records: 0,
    written: 0,
    unchanged: 0,
    skipped: 0,
    withoutImages: 0,
    images: 0,
    missingImages: 0,
    refusedImages: 0,
    imageFolder: options.images === undefined ? undefined : resolve(options.images),
    interrupted: false,
    skippedByCode: {},
    skippedItems: [],
  };
  let pending: Array<() => void> = [];
  const flush = () => {
    const writes = pending;
    pending = [];
    catalog.transaction(() => {
      for (const write of writes) write();
    });
  };
  const skip = (item: SkippedItem) => {
    summary.skipped++;
    summary.skippedByCode[item.code] = (summary.skippedByCode[item.code] ?? 0) + 1;
    if (summary.skippedItems.length < MAX_LISTED_SKIPS) summary.skippedItems.push(item);
  };
  // Images are checked a few records at a time; the writes still land in record order.
  const check = async (record: StudyRecord, hash: string): Promise<(() => void) | undefined> => {
    const checked = await checkImages(record, options, verify, (item) => {
      summary.refusedImages++;
      skip(item);
    });
    // A record whose every image was refused writes nothing: no empty study, and what the catalog had stays.
    if (record.images.length > 0 && checked.length === 0) return undefined;
    summary.images += checked.length;
    summary.missingImages += checked.filter((image) => image.status === 'missing').length;
    const complete = checked.length === record.images.length;
    // A report without stated annotations is the study's only ground truth: what the miner reads in it is kept.
    const fromReport = record.annotations.length === 0 ? reportFindingsOf(record.report) : [];
    // A record with a failed image is written with a hash that never matches, so a re-import retries it.
    return () =>
      catalog.writeStudy(options.dataset, importId, record, complete ? hash : `${hash}:partial`, checked, fromReport);
  };
  const queue: Array<Promise<(() => void) | undefined>> = [];
  const settleOldest = async () => {
    const write = await (queue.shift() as Promise<(() => void) | undefined>);
    if (write === undefined) {
      summary.withoutImages++;
      return;
    }
    pending.push(write);
    summary.written++;
    if (pending.length >= batchSize) flush();
  };
  for await (const event of events((n) => {
    summary.total = n;
  })) {
    if ('skipped' in event) {
      skip(event.skipped);
    } else {
      summary.records++;
      const record = event.record;
      const hash = recordHash(record, options);
      if (catalog.isUnchanged(`${options.dataset}:${record.sourceId}`, hash)) {
        summary.unchanged++;
      } else {
        const task = check(record, hash);
        task.catch(() => {}); // observed when settled, in order; this only keeps Node from calling it unhandled first
        queue.push(task);
        if (queue.length >= (options.concurrency ?? 4)) await settleOldest();
      }
    }
    options.onProgress?.(summary);
    if (options.signal?.aborted) {
      summary.interrupted = true;
      break;
    }
  }
  while (queue.length > 0) await settleOldest();
  flush();
  const { records, total, written, unchanged, withoutImages, skipped, images, missingImages, refusedImages } = summary;
  const counts = { records, written, unchanged, withoutImages, skipped, images, missingImages, refusedImages };
  catalog.finishImport(
    importId,
    total === undefined ? counts : { ...counts, total },
    summary.skippedItems,
    !summary.interrupted,
  );
  return summary;
}

async function checkImages(
  record: StudyRecord,
  options: ImportOptions,
  verify: VerifyLevel,
  skip: (item: SkippedItem) => void,
): Promise<CheckedImage[]> {
  const checked: CheckedImage[] = [];
  for (const image of record.images) {
    if (image.path === undefined || options.images === undefined) {
      if (options.allowMissingImages) checked.push({ id: image.id, status: 'missing' });
      else
        skip({
          code: 'IMAGE_MISSING',
          item: image.id,
          message: 'no image folder given (use --images or --allow-missing-images)',
        });
      continue;
    }
    try {
      const file = resolveInside(options.images, image.path);
      if (verify === 'none') {
        checked.push({ id: image.id, status: 'unverified' });
      } else {
        const info = await inspectImage(file, verify === 'decode');
        checked.push({ id: image.id, status: 'ok', width: info.width, height: info.height });
      }
    } catch (error) {
      if (!isCxrError(error)) throw error;
      if (error.code === 'IMAGE_MISSING' && options.allowMissingImages) {
        checked.push({ id: image.id, status: 'missing' });
      } else {
        skip({ code: error.code, item: image.path, message: error.message });
      }
    }
  }
  return checked;
}

/** What makes a re-import of a record a no-op: its content and the options that shape how it is stored. */
function recordHash(record: StudyRecord, options: ImportOptions): string {
  return createHash('sha1')
    .update(
      JSON.stringify([record, options.images ?? null, options.allowMissingImages ?? false, options.verify ?? 'decode']),
    )
    .digest('hex');
}
