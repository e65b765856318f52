import { cpSync, existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { Annotation, Annotator } from '../cascade/annotator.js';
import { decodingOf } from '../cascade/bundle/format.js';
import type { GreyImage } from '../datasets/images/decode.js';
import { createDecodePool, type DecodePool } from '../datasets/images/decode-pool.js';
import type { SkippedItem } from '../datasets/record.js';
import { isCxrError } from '../errors.js';
import { log } from '../log.js';
import type { Catalog } from '../store/catalog.js';
import { diskFull } from '../store/disk-full.js';
import { acquireBuildLock, buildingFolder, commitBuilding, startBuilding } from '../store/index-builds.js';
import { type EntryOrigin, IndexStore } from '../store/index-store.js';
import { buildVectorIndex, EMBEDDING_KINDS, vectorFile } from '../store/search-index.js';
import type { VectorIndex } from '../store/vector-index.js';
import { acquireWriteLock, retryWhileBusy } from '../store/write-lock.js';
import { listCatalogImages } from './catalog-images.js';
import { toIndexEntry } from './entry.js';
import {
  applyChanges,
  type IndexedImage,
  type KeptChanges,
  keepableChanges,
  keptCatalogImages,
  liveChanges,
} from './kept-changes.js';

export const BuildOptions = z.object({
  /** Only this dataset of the catalog (default: every dataset). */
  dataset: z.string().optional(),
  /** Images annotated per forward pass. */
  batchSize: z.number().int().min(1).max(1024).default(32),
  /** Threads that decode images beside the model (default: one less than the cores). */
  decodeThreads: z.number().int().min(1).max(64).optional(),
  /** Leave out images added since the last build whose files are gone (without it the build refuses them). */
  dropAdded: z.boolean().default(false),
  /** How long the switch to the new generation waits for another process's write (ms). */
  writeWaitMs: z.number().int().min(0).default(60_000),
});
export type BuildOptions = z.input<typeof BuildOptions>;

export interface BuildProgress {
  stage: 'annotate' | 'vectors';
  done: number;
  total: number;
}

export interface BuildResult {
  generation?: string;
  indexed: number;
  /** Images already annotated by an interrupted build of the same bundle and catalog. */
  resumed: number;
  skipped: SkippedItem[];
  interrupted: boolean;
}

/**
 * Annotates every catalog image with the bundle and writes a new index generation: entries, findings and text in
 * SQLite as batches finish (so an interrupted build resumes where it stopped), then both HNSW indexes, then the
 * switch of `CURRENT`. Until that switch the previous generation stays live and whole. Images added to the live
 * index since its build are annotated again from their files, and images removed from it stay out (kept-changes.ts).
 */
export async function buildIndex(
  catalog: Catalog,
  annotator: Annotator,
  bundleDir: string,
  indexDir: string,
  input: BuildOptions = {},
  hooks: { signal?: AbortSignal; onProgress?: (progress: BuildProgress) => void } = {},
): Promise<BuildResult> {
  const options = BuildOptions.parse(input);
  const release = acquireBuildLock(indexDir);
  try {
    // Said before any work: added images the build would have to drop (see kept-changes.ts).
    const changes = keepableChanges(liveChanges(indexDir), options.dropAdded);
    const identity = JSON.stringify({
      bundle: annotator.manifest.contentHash,
      catalog: resolve(catalog.db.name),
      dataset: options.dataset ?? null,
    });
    let building: string | undefined;
    try {
      const { folder, resumed } = startBuilding(indexDir, identity);
      building = folder;
      return await buildGeneration(catalog, annotator, bundleDir, indexDir, folder, resumed, changes, options, hooks);
    } catch (error) {
      // A failed build does not stay to fill the disk: building/ goes (an interrupted one, a return, is kept to
      // resume, and so is one that only waited too long for the write lock), and the live generation is untouched.
      const fault = diskFull(error, indexDir) ?? error;
      if (!isCxrError(fault, 'INDEX_BUSY')) {
        rmSync(building ?? buildingFolder(indexDir), { recursive: true, force: true });
        log.error(
          `the build failed (${(fault as Error).message}); its partial generation was removed, the live index is as it was`,
        );
      }
      throw fault;
    }
  } finally {
    release();
  }
}

/** The build in `folder` (building/), from the bundle's copy to the switch of CURRENT. */
async function buildGeneration(
  catalog: Catalog,
  annotator: Annotator,
  bundleDir: string,
  indexDir: string,
  folder: string,
  resumed: boolean,
  changes: KeptChanges,
  options: z.output<typeof BuildOptions>,
  hooks: { signal?: AbortSignal; onProgress?: (progress: BuildProgress) => void },
): Promise<BuildResult> {
  if (!existsSync(join(folder, 'bundle'))) cpSync(bundleDir, join(folder, 'bundle'), { recursive: true });
  const store = IndexStore.open(join(folder, 'index.sqlite'));
  try {
    const images = keptCatalogImages(listCatalogImages(catalog, options.dataset), changes);
    const done = new Set(
      (store.db.prepare('SELECT image_id FROM entries').all() as Array<{ image_id: string }>).map((r) => r.image_id),
    );
    const result: BuildResult = {
      indexed: done.size,
      resumed: resumed ? done.size : 0,
      skipped: [],
      interrupted: false,
    };
    const total = images.length + changes.added.length;
    const report = (n: number) => hooks.onProgress?.({ stage: 'annotate', done: n, total });
    report(done.size);
    const todo = images.filter((image) => !done.has(image.imageId));
    const pipeline = { annotator, store, options, result, report, signal: hooks.signal };
    await annotateAll(todo, 'build', pipeline);
    if (!result.interrupted) await annotateAll(applyChanges(store, changes), 'added', pipeline);
    if (result.interrupted) return result;
    const dimensions = await dimensionsOf(annotator, store);
    writeMeta(store, annotator, dimensions);
    const vectors = EMBEDDING_KINDS.map((kind) =>
      buildVectorIndex(store, kind, dimensions, {}, (n, all) =>
        hooks.onProgress?.({ stage: 'vectors', done: n, total: all }),
      ),
    );
    // The switch, under the write lock: what was added or removed in the live index while this built is
    // applied first (a few images), so that no write is lost with the generation it went to.
    const lock = await retryWhileBusy(() => acquireWriteLock(indexDir), options.writeWaitMs);
    try {
      const latest = keepableChanges(liveChanges(indexDir), true);
      await annotateAll(applyChanges(store, latest), 'added', { ...pipeline, signal: undefined });
      const live = store.labels();
      EMBEDDING_KINDS.forEach((kind, i) => {
        const graph = vectors[i] as VectorIndex;
        graph.keepOnly(live);
        for (const label of live) if (!graph.has(label)) graph.add(label, store.embedding(label, kind) as Float32Array);
        graph.save(vectorFile(folder, kind, 1));
      });
      store.setMeta('vectors_version', 1);
      store.close();
      return { ...result, generation: commitBuilding(indexDir) };
    } finally {
      lock.release();
    }
  } finally {
    if (store.db.open) store.close();
  }
}

interface Pipeline {
  annotator: Annotator;
  store: IndexStore;
  options: z.output<typeof BuildOptions>;
  result: BuildResult;
  report: (done: number) => void;
  signal: AbortSignal | undefined;
}

const DECODE_AHEAD = 2;

/**
 * Annotates and stores images batch by batch, as a pipeline: the next batch decodes on the pool's threads while
 * this one is annotated (ONNX Runtime's threads, or wasm) and written (this thread). At the 64² CPU default one
 * image's decoding costs about as much CPU as the whole cascade (bench/annotate). Each batch is committed, so an
 * interrupted build keeps what it did; an abort stops after the batch in hand.
 */
async function annotateAll(
  todo: IndexedImage[],
  origin: EntryOrigin,
  { annotator, store, options, result, report, signal }: Pipeline,
): Promise<void> {
  if (todo.length === 0) return;
  const batches = Array.from({ length: Math.ceil(todo.length / options.batchSize) }, (_, b) =>
    todo.slice(b * options.batchSize, (b + 1) * options.batchSize),
  );
  const pool = createDecodePool(decodingOf(annotator.manifest), options.decodeThreads);
  // Decoding runs up to DECODE_AHEAD batches ahead, so a slow batch on either side does not stall the other.
  const decoding = batches.slice(0, DECODE_AHEAD).map((batch) => decodeAll(batch, pool));
  try {
    for (const [b, batch] of batches.entries()) {
      const decoded = await (decoding.shift() as Promise<Array<GreyImage | SkippedItem>>);
      if (signal?.aborted) {
        result.interrupted = true;
        return;
      }
      const ahead = batches[b + DECODE_AHEAD];
      if (ahead !== undefined) decoding.push(decodeAll(ahead, pool));
      const ready = batch.flatMap((image, i) => {
        const outcome = decoded[i] as GreyImage | SkippedItem;
        if ('code' in outcome) {
          result.skipped.push(outcome);
          return [];
        }
        return [{ image, pixels: outcome }];
      });
      const annotations = await annotator.annotateDecoded(ready.map((r) => r.pixels));
      store.transaction(() => {
        for (const [i, { image }] of ready.entries()) {
          store.upsert({ ...toIndexEntry(image, annotations[i] as Annotation), origin });
        }
      });
      result.indexed += ready.length;
      report(result.indexed + result.skipped.length);
    }
  } finally {
    for (const pending of decoding) pending.catch(() => undefined); // decoded after we stopped: not wanted
    await pool.close();
  }
}

function writeMeta(store: IndexStore, annotator: Annotator, dimensions: number): void {
  store.setMeta('bundle_hash', annotator.manifest.contentHash);
  store.setMeta('dimensions', dimensions);
  store.setMeta('created_at', new Date().toISOString());
  store.setMeta('classes', JSON.stringify(annotator.manifest.baseClasses));
}

/** The embedding size, read from a stored entry (or from a probe annotation of a blank image when empty). */
async function dimensionsOf(annotator: Annotator, store: IndexStore): Promise<number> {
  const stored = store.db.prepare('SELECT length(final) / 4 AS n FROM entries LIMIT 1').get() as
    | { n: number }
    | undefined;
  if (stored !== undefined) return stored.n;
  const size = annotator.manifest.preprocessing.decodeSize;
  const [probe] = await annotator.annotateDecoded([{ data: new Float32Array(size * size) }]);
  return probe?.embeddings.final.length ?? 0;
}

/** Decodes a batch on the pool; a file that fails becomes a skipped item with its code, not an error. */
function decodeAll(images: IndexedImage[], pool: DecodePool): Promise<Array<GreyImage | SkippedItem>> {
  return Promise.all(
    images.map(async (image): Promise<GreyImage | SkippedItem> => {
      try {
        return await pool.decode(image.file);
      } catch (error) {
        if (!isCxrError(error)) throw error;
        return { code: error.code, item: image.imageId, message: error.message };
      }
    }),
  );
}
