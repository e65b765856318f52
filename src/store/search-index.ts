import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cxrError, isCxrError } from '../errors.js';
import { diskFull } from './disk-full.js';
import { isIndexFolder, recoverGeneration } from './index-builds.js';
import { type EmbeddingKind, type IndexEntry, IndexStore } from './index-store.js';
import { checkVector, DEFAULT_VECTOR_INDEX_OPTIONS, VectorIndex, type VectorIndexOptions } from './vector-index.js';
import { withWriteLock } from './write-lock.js';

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

/** Above this share of removed points still in an HNSW graph, a write compacts it (rebuilds it from SQLite). */
export const COMPACT_DELETED_SHARE = 0.2;

/**
 * An open index generation: its SQLite store and its two HNSW indexes, kept in step by `add` and `remove`. Each
 * HNSW index is read on first use, so opening is quick and a server that only ever compares final embeddings
 * never reads the first CNN's.
 *
 * Several processes may have one generation open (a server, `cxr add`, `cxr remove`): writes take the index
 * folder's write lock (write-lock.ts), and every use of an HNSW index first checks the store's `vectors_version`, so
 * a reader whose HNSW another process has since rewritten reads the new file before answering, and a writer never
 * saves an HNSW built on a version it no longer holds. A write saves both HNSW files at the new version before its
 * SQLite transaction commits: whoever sees the new version finds its files.
 */
export class SearchIndex {
  private readonly loaded: Partial<Record<EmbeddingKind, { vectors: VectorIndex; version: number }>> = {};

  private constructor(
    readonly generation: string,
    /** The folder whose write lock guards this generation: the index folder, or the generation opened alone. */
    readonly lockDir: string,
    /** The index folder when opened through one: a write checks that this generation is still the live one. */
    private readonly folder: string | undefined,
    readonly store: IndexStore,
    readonly dimensions: number,
    private readonly vectorOptions: Partial<VectorIndexOptions>,
  ) {}

  /** Opens the live generation of an index folder (or a generation folder itself). */
  static open(dir: string, options: Partial<VectorIndexOptions> = {}): SearchIndex {
    const folder = isIndexFolder(dir) ? dir : undefined;
    const generation = folder === undefined ? dir : currentGeneration(dir);
    if (!existsSync(join(generation, 'index.sqlite'))) {
      throw cxrError('INDEX_NOT_FOUND', `no search index at ${dir} (build one with \`cxr build\`)`, { path: dir });
    }
    const store = IndexStore.open(join(generation, 'index.sqlite'), { access: 'read' }); // a writer at its first write
    const dimensions = Number(store.meta('dimensions'));
    if (!Number.isInteger(dimensions) || dimensions <= 0) {
      store.close();
      throw cxrError('INDEX_CORRUPT', `index ${generation} does not record its embedding size`, { path: generation });
    }
    return new SearchIndex(generation, folder ?? generation, folder, store, dimensions, options);
  }

  /** The version of the HNSW files the store's entries match (every write moves it on). */
  version(): number {
    return Number(this.store.meta('vectors_version') ?? '0');
  }

  /**
   * The HNSW index of one CNN's embeddings at the store's current version: loaded (or rebuilt from SQLite) on first
   * use, and read again when another process has written a newer version since.
   */
  vectors(kind: EmbeddingKind): VectorIndex {
    const version = this.version();
    const held = this.loaded[kind];
    if (held !== undefined && held.version === version) return held.vectors;
    this.loaded[kind] = this.loadVectors(kind);
    return this.loaded[kind].vectors;
  }

  get bundleDir(): string {
    return join(this.generation, 'bundle');
  }

  /**
   * Adds or replaces entries, holding the write lock: SQLite and both HNSW files move to a new version together
   * (INDEX_BUSY when another process is writing; see retryWhileBusy).
   */
  add(entries: IndexEntry[]): number[] {
    for (const entry of entries) {
      for (const kind of EMBEDDING_KINDS) checkVector(entry.embeddings[kind], this.dimensions);
    }
    return this.write(() => {
      const written = entries.map((entry) => this.store.upsert(entry));
      return {
        result: written.map((w) => w.label),
        apply: (vectors, kind) => {
          written.forEach(({ label, replaced }, i) => {
            if (replaced !== undefined) vectors.remove(replaced);
            vectors.add(label, (entries[i] as IndexEntry).embeddings[kind]);
          });
        },
      };
    });
  }

  /** Removes images by id, holding the write lock; returns the ids that were indexed. */
  remove(imageIds: string[]): string[] {
    return this.write(() => {
      const removed = imageIds
        .map((id) => ({ id, label: this.store.remove(id) }))
        .filter((r): r is { id: string; label: number } => r.label !== undefined);
      return {
        result: removed.map((r) => r.id),
        apply: (vectors) => {
          for (const { label } of removed) vectors.remove(label);
        },
      };
    });
  }

  close(): void {
    this.store.close();
  }

  /**
   * One write: under the lock, in one SQLite transaction, `change` edits the store and says how each HNSW index
   * follows; both are saved at the new version before the transaction commits. Anything failing rolls SQLite back
   * and drops the HNSW indexes in memory (read again from the files of the version that stays).
   */
  private write<T>(change: () => { result: T; apply: (vectors: VectorIndex, kind: EmbeddingKind) => void }): T {
    return withWriteLock(this.lockDir, () => {
      this.checkLive();
      const current = Object.fromEntries(EMBEDDING_KINDS.map((kind) => [kind, this.vectors(kind)])) as Record<
        EmbeddingKind,
        VectorIndex
      >;
      const version = this.version() + 1;
      let result: T;
      try {
        result = this.store.transaction(() => {
          const { result, apply } = change();
          this.store.setMeta('vectors_version', version);
          for (const kind of EMBEDDING_KINDS) {
            let vectors = current[kind];
            apply(vectors, kind);
            if (vectors.deleted > COMPACT_DELETED_SHARE * (vectors.size + vectors.deleted)) {
              // Compacted from what this transaction is about to commit: a fresh graph without removed points.
              vectors = buildVectorIndex(this.store, kind, this.dimensions, this.vectorOptions);
            }
            vectors.save(vectorFile(this.generation, kind, version));
            this.loaded[kind] = { vectors, version };
          }
          return result;
        });
      } catch (error) {
        // Rolled back: the files saved for the version that did not happen go, and so do the graphs in memory.
        for (const kind of EMBEDDING_KINDS) {
          delete this.loaded[kind];
          rmSync(vectorFile(this.generation, kind, version), { force: true });
          rmSync(`${vectorFile(this.generation, kind, version)}.sum`, { force: true });
        }
        throw diskFull(error, 'the index') ?? error;
      }
      removeOtherVersions(this.generation, version);
      return result;
    });
  }

  /** A write to a generation that a build has since replaced would be lost with it: the caller reopens the index. */
  private checkLive(): void {
    if (this.folder === undefined || currentGeneration(this.folder) === this.generation) return;
    throw cxrError('INDEX_BUSY', `the index at ${this.folder} was rebuilt since it was opened; open it again`, {
      rebuilt: true,
      retry: false,
    });
  }

  /**
   * Loads the HNSW file matching the store's version, its points narrowed to the store's labels (a file saved after
   * removes still lists them, marked deleted). A crash between the HNSW write and the SQLite commit, or a damaged
   * file, leaves no usable file: the index is then rebuilt from the embeddings SQLite holds, read in one
   * transaction with the version, and saved when no other process is writing (else kept in memory).
   */
  private loadVectors(kind: EmbeddingKind): { vectors: VectorIndex; version: number } {
    for (;;) {
      const { version, live } = this.store.db.transaction(() => ({
        version: this.version(),
        live: this.store.labels(),
      }))();
      const file = vectorFile(this.generation, kind, version);
      const loaded = VectorIndex.loadIfSound(file, this.dimensions, this.vectorOptions); // undefined: missing or damaged (logged)
      if (loaded?.keepOnly(live)) return { vectors: loaded, version };
      if (this.version() !== version) continue; // a writer moved on while this was read: read its files
      const rebuilt = this.store.db.transaction(() => ({
        version: this.version(),
        vectors: buildVectorIndex(this.store, kind, this.dimensions, this.vectorOptions),
      }))();
      saveIfUnchanged(this, kind, rebuilt);
      return rebuilt;
    }
  }
}

/** Saves a rebuilt HNSW index when its version is still the store's and no one else is writing (else: memory only). */
function saveIfUnchanged(index: SearchIndex, kind: EmbeddingKind, rebuilt: { vectors: VectorIndex; version: number }) {
  try {
    withWriteLock(index.lockDir, () => {
      if (index.version() === rebuilt.version) {
        rebuilt.vectors.saveIfWritable(vectorFile(index.generation, kind, rebuilt.version));
      }
    });
  } catch (error) {
    if (!isCxrError(error, 'INDEX_BUSY') && !isCxrError(error, 'INDEX_READONLY')) throw error;
  }
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
