import { PRESENT_PROBABILITY } from '../store/index-store.js';
import type { Concept, EntryFilters, ParsedQuery, Source } from './query-parser.js';

/** A WHERE clause over `entries e` with its parameters. Values are always bound, never spliced into SQL. */
export interface SqlFilter {
  where: string;
  params: unknown[];
}

/** Locations that sit next to each other on a frontal film: a query for one ranks the others as matches too. */
const NEIGHBOURS: Record<string, string[]> = {
  'lower lobe': ['base', 'lower zone', 'costophrenic angle', 'retrocardiac'],
  base: ['lower lobe', 'lower zone', 'costophrenic angle'],
  'upper lobe': ['apex', 'upper zone'],
  apex: ['upper lobe', 'upper zone'],
  'middle lobe': ['middle zone', 'lingula', 'hilum'],
  lingula: ['middle lobe', 'middle zone'],
  hilum: ['middle zone', 'middle lobe'],
  retrocardiac: ['lower lobe', 'base'],
};

export function withNeighbours(locations: string[]): string[] {
  return [...new Set(locations.flatMap((l) => [l, ...(NEIGHBOURS[l] ?? [])]))];
}

/**
 * When a generated finding `f` counts as present. With a calibrated probability: at or above 0.5, or the query's
 * `confidence:`. Without one (the class head's reading, indexes from bundles without the per-finding head): always,
 * as before; with `confidence:`, its image's class confidence must reach it, as `confidence:` has always asked.
 */
export function generatedPresent(filters: EntryFilters): SqlFilter {
  if (filters.minConfidence === undefined) {
    return { where: '(f.probability IS NULL OR f.probability >= ?)', params: [PRESENT_PROBABILITY] };
  }
  // The class confidence by the finding's own label, so the condition never refers to an outer query's entry.
  return {
    where: 'coalesce(f.probability, (SELECT c.confidence FROM entries c WHERE c.label = f.label)) >= ?',
    params: [filters.minConfidence],
  };
}

/**
 * `f.` conditions for one concept's finding (disease, side, severity, required locations) and the source; a
 * generated finding only where it counts as present (what the dataset states and what its report says are never
 * thresholded). `any` takes a report's finding as it takes a stated one.
 */
export function findingCondition(concept: Concept, source: Source, filters: EntryFilters): SqlFilter {
  const { parts, params, add } = collector();
  if (concept.disease !== undefined) add('f.disease = ?', concept.disease);
  if (concept.side !== undefined) add('f.side = ?', concept.side);
  if (concept.severity !== undefined) add('f.severity = ?', concept.severity);
  if (concept.locationsRequired && concept.locations.length > 0) {
    add(
      'EXISTS (SELECT 1 FROM json_each(f.locations) j WHERE j.value IN (SELECT value FROM json_each(?)))',
      JSON.stringify(withNeighbours(concept.locations)),
    );
  }
  const present = generatedPresent(filters);
  if (source === 'truth' || source === 'report') {
    parts.push(`f.source = '${source}'`);
    return { where: parts.join(' AND '), params };
  }
  if (source === 'generated') parts.push(`f.source = 'generated' AND ${present.where}`);
  else parts.push(`(f.source IN ('truth', 'report') OR ${present.where})`);
  params.push(...present.params);
  return { where: parts.join(' AND '), params };
}

/**
 * Filters on the entry itself: view, split, dataset, and minimum confidence — some generated finding of the image
 * present at it (without calibrated probabilities: the image's class confidence reaching it, as before).
 */
export function entryFilter(filters: EntryFilters): SqlFilter {
  const { parts, params, add } = collector();
  if (filters.view !== undefined) add('upper(e.view) = ?', filters.view.toUpperCase());
  if (filters.split !== undefined) add('e.split = ?', filters.split);
  if (filters.dataset !== undefined) add('e.dataset = ?', filters.dataset);
  if (filters.minConfidence !== undefined) {
    const present = generatedPresent(filters);
    parts.push(
      `EXISTS (SELECT 1 FROM findings f INDEXED BY findings_by_label WHERE f.label = e.label AND f.source = 'generated' AND ${present.where})`,
    );
    params.push(...present.params);
  }
  return { where: parts.length === 0 ? '1' : parts.join(' AND '), params };
}

/**
 * The hard filter a parsed query sets: entry filters, every positive concept present (in the chosen source),
 * every negated concept absent (from any source the query searches). With a positive concept, `confidence:`
 * thresholds the generated findings that can match it, not the image: a finding the dataset states still matches.
 */
export function queryFilter(parsed: ParsedQuery): SqlFilter {
  const { minConfidence: _, ...imageFilters } = parsed.filters;
  const positive = parsed.concepts.some((c) => !c.negated);
  const parts = [entryFilter(positive ? imageFilters : parsed.filters)];
  for (const concept of parsed.concepts) {
    const condition = findingCondition(concept, parsed.source, parsed.filters);
    parts.push({
      where: `e.label ${concept.negated ? 'NOT IN' : 'IN'} (SELECT f.label FROM findings f WHERE ${condition.where})`,
      params: condition.params,
    });
  }
  return and(parts);
}

export function and(filters: SqlFilter[]): SqlFilter {
  const real = filters.filter((f) => f.where !== '1');
  if (real.length === 0) return { where: '1', params: [] };
  return { where: real.map((f) => `(${f.where})`).join(' AND '), params: real.flatMap((f) => f.params) };
}

function collector() {
  const parts: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown): void => {
    parts.push(sql);
    params.push(value);
  };
  return { parts, params, add };
}
