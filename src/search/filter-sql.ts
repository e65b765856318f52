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

/** `f.` conditions for one concept's finding (disease, side, severity, required locations), and the source. */
export function findingCondition(concept: Concept, source: Source): SqlFilter {
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
  if (source !== 'any') add('f.source = ?', source);
  return { where: parts.length === 0 ? '1' : parts.join(' AND '), params };
}

/** Filters on the entry itself: view, split, dataset, minimum confidence. */
export function entryFilter(filters: EntryFilters): SqlFilter {
  const { parts, params, add } = collector();
  if (filters.view !== undefined) add('upper(e.view) = ?', filters.view.toUpperCase());
  if (filters.split !== undefined) add('e.split = ?', filters.split);
  if (filters.dataset !== undefined) add('e.dataset = ?', filters.dataset);
  if (filters.minConfidence !== undefined) add('e.confidence >= ?', filters.minConfidence);
  return { where: parts.length === 0 ? '1' : parts.join(' AND '), params };
}

/**
 * The hard filter a parsed query sets: entry filters, every positive concept present (in the chosen source),
 * every negated concept absent (from any source the query searches).
 */
export function queryFilter(parsed: ParsedQuery): SqlFilter {
  const parts = [entryFilter(parsed.filters)];
  for (const concept of parsed.concepts) {
    const condition = findingCondition(concept, parsed.source);
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
