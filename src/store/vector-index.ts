import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import hnswlib from 'hnswlib-node';
import { cxrError, isCxrError } from '../errors.js';
import { log } from '../log.js';
import { replaceFileAtomically } from './atomic-file.js';
import { diskFullError, freeBytes } from './disk-full.js';
import { checkHnswStructure, isHnswFileComplete } from './hnsw-structure.js';
import { checkSidecar, sidecarOf, writeSidecar } from './integrity-sidecar.js';

const { HierarchicalNSW } = hnswlib;

export interface VectorIndexOptions {
  /** Graph degree (hnswlib's M). */
  m: number;
  efConstruction: number;
  /** Candidates kept while searching; hnswlib resets it to 10 after a load, so it is set again on every load. */
  efSearch: number;
  seed: number;
}

/** efSearch 128: recall@10 0.95+ on 100,000 CNN-like 640-d embeddings at ~2 ms a query (bench/search). */
export const DEFAULT_VECTOR_INDEX_OPTIONS: VectorIndexOptions = {
  m: 16,
  efConstruction: 200,
  efSearch: 128,
  seed: 100,
};

export interface Neighbour {
  label: number;
  /** Cosine distance, 1 − cos. */
  distance: number;
}

/**
 * An HNSW index of unit-normalised embeddings under cosine distance (hnswlib-node), keyed by uint32 labels.
 * Guards what hnswlib-node does not: vector length, k beyond the count, a filter that throws (which would abort the
 * process), a failed read into a used object (every load makes a fresh one), non-atomic writes.
 */
export class VectorIndex {
  private readonly index: InstanceType<typeof HierarchicalNSW>;
  private readonly labels = new Set<number>();

  private constructor(
    readonly dimensions: number,
    readonly options: VectorIndexOptions,
  ) {
    this.index = new HierarchicalNSW('cosine', dimensions);
  }

  static create(dimensions: number, capacity: number, options: Partial<VectorIndexOptions> = {}): VectorIndex {
    const resolved = { ...DEFAULT_VECTOR_INDEX_OPTIONS, ...options };
    const vectors = new VectorIndex(dimensions, resolved);
    vectors.index.initIndex({
      maxElements: Math.max(16, capacity),
      m: resolved.m,
      efConstruction: resolved.efConstruction,
      randomSeed: resolved.seed,
      allowReplaceDeleted: true,
    });
    vectors.index.setEf(resolved.efSearch);
    return vectors;
  }

  /**
   * Reads a saved index, checked first: against its sidecar (size and SHA-256, written with it) or, for a file saved
   * before sidecars existed, by walking its structure (every neighbour id in range), since hnswlib itself follows
   * whatever ids a file holds and a damaged one ends the process with SIGSEGV. Anything wrong is INDEX_CORRUPT.
   */
  static load(path: string, dimensions: number, options: Partial<VectorIndexOptions> = {}): VectorIndex {
    if (!existsSync(path)) throw cxrError('INDEX_CORRUPT', `vector index file ${path} is missing`, { path });
    if (existsSync(sidecarOf(path))) checkSidecar(path);
    else checkHnswStructure(path, dimensions);
    const stored = storedDimensions(path);
    if (stored !== dimensions) {
      throw cxrError('INDEX_CORRUPT', `vector index ${path} holds ${stored} dimensions, not ${dimensions}`, { path });
    }
    const vectors = new VectorIndex(dimensions, { ...DEFAULT_VECTOR_INDEX_OPTIONS, ...options });
    try {
      vectors.index.readIndexSync(path, true); // deleted points' slots are reused by later adds
    } catch (error) {
      throw cxrError('INDEX_CORRUPT', `vector index file ${path} cannot be read: ${(error as Error).message}`, {
        path,
      });
    }
    if (vectors.index.getNumDimensions() !== dimensions) {
      throw cxrError(
        'INDEX_CORRUPT',
        `vector index ${path} has ${vectors.index.getNumDimensions()} dimensions, not ${dimensions}`,
      );
    }
    for (const label of vectors.index.getIdsList()) vectors.labels.add(label);
    vectors.index.setEf(vectors.options.efSearch);
    return vectors;
  }

  get size(): number {
    return this.labels.size;
  }

  /**
   * Points still in the graph whose labels were removed. hnswlib only marks a removed point; its slot is reused by
   * the next add (replaceDeleted), so at a constant size the count stays small and the file does not grow.
   */
  get deleted(): number {
    return this.index.getCurrentCount() - this.labels.size;
  }

  has(label: number): boolean {
    return this.labels.has(label);
  }

  /**
   * Keeps the listed labels and marks every other point of a loaded file deleted: a saved file lists its removed
   * points among its ids (hnswlib's getIdsList counts them), and only the store says which are live. Returns false
   * when a live label is missing from the file, which then does not match the store.
   */
  keepOnly(live: Set<number>): boolean {
    const ids = this.index.getIdsList();
    this.labels.clear();
    for (const label of ids) {
      if (live.has(label)) this.labels.add(label);
      else markDeleted(this.index, label);
    }
    return this.labels.size === live.size;
  }

  add(label: number, vector: ArrayLike<number>): void {
    this.checkVector(vector);
    const point = Array.from(vector);
    if (this.labels.has(label) || revive(this.index, label)) {
      this.index.addPoint(point, label); // the label's own slot, updated in place
    } else if (this.deleted > 0) {
      this.index.addPoint(point, label, true); // into a removed point's slot
    } else {
      if (this.index.getCurrentCount() >= this.index.getMaxElements()) {
        this.index.resizeIndex(Math.ceil(this.index.getMaxElements() * 1.5) + 16);
      }
      this.index.addPoint(point, label);
    }
    this.labels.add(label);
  }

  remove(label: number): void {
    if (!this.labels.delete(label)) return;
    this.index.markDelete(label);
  }

  /**
   * The k nearest labels, nearest first. `accept` narrows the search to some labels; it runs inside hnswlib's
   * native loop, where an exception would abort the process, so it is wrapped to answer false instead.
   */
  search(vector: ArrayLike<number>, k: number, accept?: (label: number) => boolean, ef?: number): Neighbour[] {
    this.checkVector(vector);
    const wanted = Math.min(k, this.labels.size);
    if (wanted <= 0) return [];
    this.index.setEf(Math.max(ef ?? this.options.efSearch, wanted));
    const guarded = accept === undefined ? undefined : guard(accept);
    const result = this.index.searchKnn(Array.from(vector), wanted, guarded);
    return result.neighbors
      .map((label, i) => ({ label, distance: result.distances[i] as number }))
      .sort((a, b) => a.distance - b.distance || a.label - b.label);
  }

  /**
   * The same as load, but a missing or corrupt file is logged and answered with undefined (the caller rebuilds it
   * from the embeddings SQLite holds) instead of thrown.
   */
  static loadIfSound(
    path: string,
    dimensions: number,
    options: Partial<VectorIndexOptions> = {},
  ): VectorIndex | undefined {
    if (!existsSync(path)) return undefined;
    try {
      return VectorIndex.load(path, dimensions, options);
    } catch (error) {
      if (!isCxrError(error, 'INDEX_CORRUPT')) throw error;
      log.error(`vector index ${basename(path)} is unusable (${error.message}); rebuilding it from index.sqlite`);
      return undefined;
    }
  }

  /**
   * Writes the index whole or not at all (see replaceFileAtomically), its sidecar before it takes its place: a
   * crash between the two leaves a file that fails its check, never one that passes wrongly.
   */
  save(path: string): void {
    replaceFileAtomically(path, (temporary) => {
      this.index.writeIndexSync(temporary);
      if (!isHnswFileComplete(temporary)) throw shortWrite(temporary);
      writeSidecar(temporary, path);
    });
  }

  /** save, except on a read-only folder, where the index is kept in memory only (and that is logged). */
  saveIfWritable(path: string): void {
    try {
      this.save(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EROFS' && code !== 'EACCES' && code !== 'EPERM') throw error;
      log.error(`cannot save the rebuilt ${basename(path)} (${code}): it is rebuilt again at every open`);
    }
  }

  checkVector(vector: ArrayLike<number>): void {
    checkVector(vector, this.dimensions);
  }
}

/** A vector of the index's length and finite values, or VECTOR_SIZE (hnswlib would read past or store NaN). */
export function checkVector(vector: ArrayLike<number>, dimensions: number): void {
  if (vector.length !== dimensions) {
    throw cxrError('VECTOR_SIZE', `a vector of ${vector.length} values, but the index holds ${dimensions}`, {
      expected: dimensions,
      received: vector.length,
    });
  }
  for (let i = 0; i < vector.length; i++) {
    if (!Number.isFinite(vector[i] as number)) {
      throw cxrError('VECTOR_SIZE', `vector value ${i} is not a finite number`, { position: i });
    }
  }
}

/**
 * The dimensions an hnswlib file was written with, from its header (six size_t: offsetLevel0, maxElements, count,
 * sizeDataPerElement, labelOffset, offsetData; a vector is labelOffset − offsetData bytes of float32). hnswlib
 * itself would read a file of another size without complaint and answer nonsense.
 */
function storedDimensions(path: string): number {
  const header = Buffer.alloc(48);
  const fd = openSync(path, 'r');
  try {
    if (readSync(fd, header, 0, 48, 0) < 48) return -1;
  } finally {
    closeSync(fd);
  }
  const labelOffset = Number(header.readBigUInt64LE(32));
  const offsetData = Number(header.readBigUInt64LE(40));
  return (labelOffset - offsetData) / 4;
}

/** A file hnswlib wrote short: a full disk (DISK_FULL) when little space is left, else an error of its own. */
function shortWrite(file: string): Error {
  if (freeBytes(dirname(file)) < 16 * 1024 * 1024) return diskFullError(basename(file), 'the file was written short');
  return new Error(`hnswlib wrote ${basename(file)} short, with space left on its disk`);
}

/** Marks a point deleted; one already marked (a file saved after its removal) stays as it is. */
function markDeleted(index: InstanceType<typeof HierarchicalNSW>, label: number): void {
  try {
    index.markDelete(label);
  } catch {
    // already deleted
  }
}

/** Unmarks a deleted point of this label, if the graph still holds one (its slot is then updated in place). */
function revive(index: InstanceType<typeof HierarchicalNSW>, label: number): boolean {
  try {
    index.unmarkDelete(label);
    return true;
  } catch {
    return false; // no such label in the graph
  }
}

function guard(accept: (label: number) => boolean): (label: number) => boolean {
  return (label) => {
    try {
      return accept(label) === true;
    } catch {
      return false;
    }
  };
}
