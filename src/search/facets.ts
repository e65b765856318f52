import type { IndexStore } from '../store/index-store.js';
import { and, generatedPresent, queryFilter, type SqlFilter } from './filter-sql.js';
import type { ParsedQuery } from './query-parser.js';
import { ftsExpression } from './text-search.js';

export type FacetCounts = Record<string, Array<{ value: string; count: number }>>;

/**
 * Counts per facet over the images `scope` selects (a WHERE clause over `entries e`): of the generated findings only
 * where they count as present (see `generatedPresent`), or of the query's source when it is `truth` or `report`.
 * The scope is what makes the counts describe a result: the query's matches, or the hits a search returned.
 */
export function countFacets(store: IndexStore, parsed: ParsedQuery, scope: SqlFilter): FacetCounts {
  const source = parsed.source === 'truth' || parsed.source === 'report' ? parsed.source : 'generated';
  const present = source === 'generated' ? generatedPresent(parsed.filters) : { where: '1', params: [] };
  const scoped = `SELECT e.label FROM entries e WHERE ${scope.where}`;
  const count = (sql: string, params: unknown[] = []) =>
    (store.db.prepare(sql).all(...scope.params, ...params) as Array<{ value: string; count: number }>).filter(
      (row) => row.value !== null,
    );
  const findingFacet = (column: string) =>
    count(
      `SELECT f.${column} AS value, count(DISTINCT f.label) AS count FROM findings f
       WHERE f.label IN (${scoped}) AND f.source = ? AND ${present.where} GROUP BY 1 ORDER BY 2 DESC, 1`,
      [source, ...present.params],
    );
  const entryFacet = (column: string) =>
    count(
      `SELECT e.${column} AS value, count(*) AS count FROM entries e WHERE ${scope.where} GROUP BY 1 ORDER BY 2 DESC, 1`,
    );
  return {
    disease: findingFacet('disease'),
    side: findingFacet('side'),
    severity: findingFacet('severity'),
    location: count(
      `SELECT j.value AS value, count(DISTINCT f.label) AS count FROM findings f, json_each(f.locations) j
       WHERE f.label IN (${scoped}) AND f.source = ? AND ${present.where} GROUP BY 1 ORDER BY 2 DESC, 1`,
      [source, ...present.params],
    ),
    view: entryFacet('view'),
    split: entryFacet('split'),
    dataset: entryFacet('dataset'),
  };
}

/**
 * The images a text query matches, as `rankByText` counts its candidates: the query's hard filter, and, when the
 * query is only free words, an image holding one of them (so a query of unknown words matches no image rather than
 * every image).
 */
export function matchingFilter(parsed: ParsedQuery): SqlFilter {
  const onlyWords = !parsed.concepts.some((c) => !c.negated) && parsed.words.length > 0;
  const match = ftsExpression(parsed);
  if (!onlyWords || match === undefined) return queryFilter(parsed);
  return and([
    queryFilter(parsed),
    { where: 'e.label IN (SELECT rowid FROM entries_text WHERE entries_text MATCH ?)', params: [match] },
  ]);
}

/** The images of a result, by their ids. */
export function imagesFilter(imageIds: string[]): SqlFilter {
  return { where: 'e.image_id IN (SELECT value FROM json_each(?))', params: [JSON.stringify(imageIds)] };
}
