import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cxrError } from '../errors.js';
import { isIndexFolder, recoverGeneration } from './index-builds.js';
import { type EmbeddingKind, type IndexEntry, IndexStore } from './index-store.js';
import { DEFAULT_VECTOR_INDEX_OPTIONS, VectorIndex, type VectorIndexOptions } from './vector-index.js';

/**
 * A search index folder holds generations; `CURRENT` names the live one. A build writes a new generation beside
 * it and switches `CURRENT` (atomically) only when the generation is complete, so readers always find a whole index:
 *
 *   INDEX/CURRENT                 name of the live generation
 *   INDEX/g-<time>/index.sqlite   entries, findings, FTS5, embeddings (the source of truth)
 *   INDEX/g-<time>/first.<v>.hnsw, final.<v>.hnsw   HNSW over the embeddings at vectors version v
 *   INDEX/g-<time>/bundle/        the model bundle that annotated it (image queries need it)
 *   INDEX/building/               the generation under construction (resumable)
 */
export const EMBEDDING_KINDS: readonly EmbeddingKind[] = ['first', 'final'];

export function currentGeneration(dir: string): string {
  const pointer = join(dir, 'CURRENT');
  if (!existsSync(pointer)) {
    const recovered = recoverGeneration(dir); // CURRENT lost, a complete generation there (logged once)
    if (recovered !== undefined) return recovered;
    throw cxrError('INDEX_NOT_FOUND', `no search index at ${dir} (build one with \`cxr build\`)`, { path: dir });
  }
  const name = readFileSync(pointer, 'utf8').trim();
  const generation = join(dir, name);
  if (!/^g-[\w-]+$/.test(name) || !existsSync(join(generation, 'index.sqlite'))) {
    const recovered = recoverGeneration(dir); // CURRENT damaged, a complete generation there (logged once)
    if (recovered !== undefined) return recovered;
    throw cxrError('INDEX_CORRUPT', `${pointer} names generation '${name}', which is missing`, { path: dir });
  }
  return generation;
}

export function vectorFile(generation: string, kind: EmbeddingKind, version: number): string {
  return join(generation, `${kind}.${version}.hnsw`);
}

/**
 * An open index generation: its SQLite store and its two HNSW indexes, kept in step by `add` and `remove`. Each
 * HNSW index is read on first use, so opening is quick and a server that only ever compares final embeddings
 * never reads the first CNN's.
 */
export class SearchIndex {
  private readonly loaded: Partial<Record<EmbeddingKind, VectorIndex>> = {};

  private constructor(
    readonly generation: string,
    readonly store: IndexStore,
    readonly dimensions: number,
    private readonly vectorOptions: Partial<VectorIndexOptions>,
  ) {}

  /** Opens the live generation of an index folder (or a generation folder itself). */
  static open(dir: string, options: Partial<VectorIndexOptions> = {}): SearchIndex {
    const generation = isIndexFolder(dir) ? currentGeneration(dir) : dir;
    if (!existsSync(join(generation, 'index.sqlite'))) {
      throw cxrError('INDEX_NOT_FOUND', `no search index at ${dir} (build one with \`cxr build\`)`, { path: dir });
    }
    const store = IndexStore.open(join(generation, 'index.sqlite'), { access: 'read' }); // a writer at its first write
    const dimensions = Number(store.meta('dimensions'));
    if (!Number.isInteger(dimensions) || dimensions <= 0) {
      store.close();
      throw cxrError('INDEX_CORRUPT', `index ${generation} does not record its embedding size`, { path: generation });
    }
    return new SearchIndex(generation, store, dimensions, options);
  }

  /** The HNSW index of one CNN's embeddings (loaded, or rebuilt from SQLite, on first use). */
  vectors(kind: EmbeddingKind): VectorIndex {
    // Read once: every image query comes through here.
    this.loaded[kind] ??= loadOrRebuild(
      this.store,
      this.generation,
      kind,
      Number(this.store.meta('vectors_version') ?? '0'),
      this.dimensions,
      this.vectorOptions,
    );
    return this.loaded[kind];
  }

  get bundleDir(): string {
    return join(this.generation, 'bundle');
  }

  /** Adds or replaces entries: SQLite first (one transaction), then both HNSW files at a new version. */
  add(entries: IndexEntry[]): number[] {
    for (const entry of entries) {
      for (const kind of EMBEDDING_KINDS) this.vectors(kind).checkVector(entry.embeddings[kind]);
    }
    const written = this.store.transaction(() => {
      const results = entries.map((entry) => this.store.upsert(entry));
      this.bumpVersion();
      return results;
    });
    written.forEach(({ label, replaced }, i) => {
      const entry = entries[i] as IndexEntry;
      for (const kind of EMBEDDING_KINDS) {
        if (replaced !== undefined) this.vectors(kind).remove(replaced);
        this.vectors(kind).add(label, entry.embeddings[kind]);
      }
    });
    this.saveVectors();
    return written.map((w) => w.label);
  }

  /** Removes images by id; returns the ids that were indexed. */
  remove(imageIds: string[]): string[] {
    for (const kind of EMBEDDING_KINDS) this.vectors(kind); // loaded at the version they were saved at
    const removed = this.store.transaction(() => {
      const labels = imageIds.map((id) => ({ id, label: this.store.remove(id) }));
      this.bumpVersion();
      return labels;
    });
    for (const { label } of removed) {
      if (label === undefined) continue;
      for (const kind of EMBEDDING_KINDS) this.vectors(kind).remove(label);
    }
    this.saveVectors();
    return removed.filter((r) => r.label !== undefined).map((r) => r.id);
  }

  close(): void {
    this.store.close();
  }

  private bumpVersion(): void {
    this.store.setMeta('vectors_version', Number(this.store.meta('vectors_version') ?? '0') + 1);
  }

  /** Writes both HNSW files at the store's version, then deletes older versions. */
  private saveVectors(): void {
    const version = Number(this.store.meta('vectors_version'));
    for (const kind of EMBEDDING_KINDS) this.vectors(kind).save(vectorFile(this.generation, kind, version));
    removeOtherVersions(this.generation, version);
  }
}

/**
 * Loads the HNSW file matching the store's version. A crash between a committed SQLite change and the HNSW write
 * leaves no such file: the index is then rebuilt from the embeddings SQLite holds, and saved.
 */
function loadOrRebuild(
  store: IndexStore,
  generation: string,
  kind: EmbeddingKind,
  version: number,
  dimensions: number,
  options: Partial<VectorIndexOptions>,
): VectorIndex {
  const file = vectorFile(generation, kind, version);
  const loaded = VectorIndex.loadIfSound(file, dimensions, options); // undefined: missing or damaged (logged)
  if (loaded !== undefined && loaded.size === store.count()) return loaded;
  const vectors = buildVectorIndex(store, kind, dimensions, options);
  vectors.saveIfWritable(file);
  return vectors;
}

export function buildVectorIndex(
  store: IndexStore,
  kind: EmbeddingKind,
  dimensions: number,
  options: Partial<VectorIndexOptions> = {},
  onProgress?: (done: number, total: number) => void,
): VectorIndex {
  const total = store.count();
  const vectors = VectorIndex.create(dimensions, total, { ...DEFAULT_VECTOR_INDEX_OPTIONS, ...options });
  let done = 0;
  for (const { label, vector } of store.vectors(kind)) {
    vectors.add(label, vector);
    if (++done % 1000 === 0) onProgress?.(done, total);
  }
  onProgress?.(done, total);
  return vectors;
}

export function removeOtherVersions(generation: string, version: number): void {
  for (const file of readdirSync(generation)) {
    const match = /^(first|final)\.(\d+)\.hnsw(\.sum)?$/.exec(file);
    if (match !== null && Number(match[2]) !== version) rmSync(join(generation, file), { force: true });
  }
}
