import type { EmbeddingKind } from '../store/index-store.js';
import type { SearchIndex } from '../store/search-index.js';
import { DEFAULT_VECTOR_INDEX_OPTIONS } from '../store/vector-index.js';
import type { SqlFilter } from './filter-sql.js';

export type ImagePlan =
  | { strategy: 'hnsw'; ef: number }
  | { strategy: 'exact'; filterMatches: number }
  | { strategy: 'hnsw-filtered'; filterMatches: number; ef: number }
  | { strategy: 'hnsw-filtered+exact'; filterMatches: number; ef: number };

export interface ImageHit {
  label: number;
  distance: number;
}

export interface ImagePlannerOptions {
  /** A filter matching at most this many images is scored exactly (every filtered embedding read and compared). */
  exactLimit: number;
  /** HNSW's candidate list when searching. */
  ef: number;
}

export const DEFAULT_IMAGE_PLANNER: ImagePlannerOptions = {
  exactLimit: 10_000,
  ef: DEFAULT_VECTOR_INDEX_OPTIONS.efSearch,
};

/**
 * Nearest images to a query embedding. Without a filter: HNSW. With one, the planner counts the filter's matches:
 * few are scored exactly (so a selective filter returns exactly the true top k); many go to filtered HNSW, and
 * should HNSW come back short of min(k, matches) the exact scan answers instead.
 */
export function nearestImages(
  index: SearchIndex,
  vector: Float32Array,
  kind: EmbeddingKind,
  k: number,
  filter: SqlFilter | undefined,
  options: ImagePlannerOptions = DEFAULT_IMAGE_PLANNER,
): { hits: ImageHit[]; plan: ImagePlan } {
  const vectors = index.vectors(kind);
  vectors.checkVector(vector);
  const ef = Math.max(options.ef, k);
  if (filter === undefined || filter.where === '1') {
    return { hits: vectors.search(vector, k, undefined, ef), plan: { strategy: 'hnsw', ef } };
  }
  const labels = (
    index.store.db.prepare(`SELECT e.label FROM entries e WHERE ${filter.where}`).all(...filter.params) as Array<{
      label: number;
    }>
  ).map((row) => row.label);
  if (labels.length <= options.exactLimit) {
    return {
      hits: exactNearest(index, vector, kind, k, labels),
      plan: { strategy: 'exact', filterMatches: labels.length },
    };
  }
  const allowed = new Set(labels);
  const hits = vectors.search(vector, k, (label) => allowed.has(label), ef);
  if (hits.length >= Math.min(k, labels.length)) {
    return { hits, plan: { strategy: 'hnsw-filtered', filterMatches: labels.length, ef } };
  }
  return {
    hits: exactNearest(index, vector, kind, k, labels),
    plan: { strategy: 'hnsw-filtered+exact', filterMatches: labels.length, ef },
  };
}

/** Cosine distance to each listed entry's stored embedding; the k smallest. */
export function exactNearest(
  index: SearchIndex,
  vector: Float32Array,
  kind: EmbeddingKind,
  k: number,
  labels?: number[],
): ImageHit[] {
  let squares = 0;
  for (const value of vector) squares += value * value;
  const queryNorm = Math.sqrt(squares) || 1;
  const hits: ImageHit[] = [];
  for (const { label, vector: stored } of index.store.vectors(kind, labels)) {
    hits.push({ label, distance: cosineDistance(vector, queryNorm, stored) });
  }
  return hits.sort((a, b) => a.distance - b.distance || a.label - b.label).slice(0, k);
}

function cosineDistance(query: Float32Array, queryNorm: number, other: Float32Array): number {
  let dot = 0;
  let norm = 0;
  for (let i = 0; i < query.length; i++) {
    const value = other[i] as number;
    dot += (query[i] as number) * value;
    norm += value * value;
  }
  return 1 - dot / (queryNorm * (Math.sqrt(norm) || 1));
}
