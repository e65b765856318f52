import type { FindingSource, IndexStore } from '../store/index-store.js';
import { and, findingCondition, queryFilter, type SqlFilter, withNeighbours } from './filter-sql.js';
import type { Concept, ParsedQuery } from './query-parser.js';

/** Why an entry matched one of the query's concepts. */
export interface ConceptMatch {
  concept: string;
  /** Which findings said so: the dataset's (`truth`), the cascade's (`generated`). */
  sources: FindingSource[];
  /** The finding is where the query said (or next to it). */
  location: boolean;
  /** The per-finding head's calibrated probability of the generated finding that matched, when it has one. */
  probability?: number;
}

export interface WordMatch {
  word: string;
  fields: Array<'generated' | 'truth' | 'report'>;
}

export interface TextHit {
  label: number;
  score: number;
  concepts: ConceptMatch[];
  words: WordMatch[];
}

export interface TextRanking {
  hits: TextHit[];
  /** Entries that pass the query's hard filters (and contain a free word, when the query is only words). */
  candidates: number;
}

const FTS_COLUMNS = ['generated', 'truth', 'report'] as const;

/**
 * Ranks entries for a parsed query. Hard filters first (entry filters, concepts present, negated concepts absent);
 * then each positive concept scores 1 when the dataset's own annotation states it, plus, when the generated
 * annotation does, the per-finding head's calibrated probability of that finding (without one: the cascade's
 * confidence in its whole reading, class and words), plus ½ when it is where the query said; free words add bm25
 * over the generated annotation, the ground truth and the report (normalised to 0…1). Ties go to the more confident
 * reading.
 */
export function rankByText(store: IndexStore, parsed: ParsedQuery, limit: number, extra?: SqlFilter): TextRanking {
  const positives = parsed.concepts.filter((c) => !c.negated);
  const match = ftsExpression(parsed);
  const columns: string[] = [];
  const columnParams: unknown[] = [];
  const flags = positives.map((concept, i) => {
    const flag = conceptFlags(concept, parsed, i);
    columns.push(...flag.columns);
    columnParams.push(...flag.params);
    return flag;
  });
  const conceptScore = flags.map((f) => f.score).join(' + ') || '0';
  const textScore = match === undefined ? '0' : 'coalesce(s / (1.0 + s), 0)';
  const onlyWords = positives.length === 0 && match !== undefined;
  const filter = and([queryFilter(parsed), ...(extra ? [extra] : [])]);
  const sql = `
    WITH fts AS (${match === undefined ? 'SELECT 0 AS label, 0.0 AS s WHERE 0' : 'SELECT rowid AS label, -bm25(entries_text, 1.0, 1.0, 0.5) AS s FROM entries_text WHERE entries_text MATCH ?'}),
    matched AS (
      SELECT e.label, coalesce(e.reading_confidence, e.confidence) AS confidence, fts.s ${columns.length > 0 ? `, ${columns.join(', ')}` : ''}
      FROM entries e ${onlyWords ? 'JOIN' : 'LEFT JOIN'} fts ON fts.label = e.label
      WHERE ${filter.where})
    SELECT *, (${conceptScore}) + ${textScore} + 0.001 * confidence AS score, count(*) OVER () AS candidates
    FROM matched
    ORDER BY score DESC, label
    LIMIT ?`;
  const params = [...(match === undefined ? [] : [match]), ...columnParams, ...filter.params, limit];
  const rows = store.db.prepare(sql).all(...params) as Array<Record<string, number | null>>;
  const words = explainWords(
    store,
    parsed,
    rows.map((r) => r.label as number),
  );
  return {
    candidates: rows[0]?.candidates ?? 0,
    hits: rows.map((row) => ({
      label: row.label as number,
      score: row.score as number,
      concepts: flags.map((flag) => conceptMatch(flag, row)),
      words: words.get(row.label as number) ?? [],
    })),
  };
}

function conceptMatch(flag: { concept: Concept; index: number }, row: Record<string, number | null>): ConceptMatch {
  const generated = row[`g${flag.index}`] ?? null;
  const sources: FindingSource[] = [];
  if (row[`t${flag.index}`] === 1) sources.push('truth');
  if (generated !== null) sources.push('generated');
  return {
    concept: flag.concept.text,
    sources,
    location: row[`l${flag.index}`] === 1,
    ...(generated !== null && generated >= 0 ? { probability: generated } : {}),
  };
}

/**
 * The three per-concept columns (truth match; generated match with its calibrated probability; location match) and
 * the score they add.
 */
function conceptFlags(concept: Concept, parsed: ParsedQuery, index: number) {
  const condition = findingCondition(concept, 'any', parsed.filters);
  const columns: string[] = [];
  const params: unknown[] = [];
  const exists = (extraWhere: string, extraParams: unknown[]) => {
    params.push(...condition.params, ...extraParams);
    // Per image: through the image's own findings (see db/index/002), never a scan of every finding of a disease.
    return `EXISTS (SELECT 1 FROM findings f INDEXED BY findings_by_label WHERE f.label = e.label AND ${condition.where}${extraWhere})`;
  };
  const useTruth = parsed.source !== 'generated';
  const useGenerated = parsed.source !== 'truth';
  columns.push(`${useTruth ? exists(" AND f.source = 'truth'", []) : '0'} AS t${index}`);
  // One look for the generated match and its probability: NULL when none matches, -1 when it has no probability.
  const generated = () => {
    params.push(...condition.params);
    return `(SELECT max(coalesce(f.probability, -1.0)) FROM findings f INDEXED BY findings_by_label WHERE f.label = e.label AND ${condition.where} AND f.source = 'generated')`;
  };
  columns.push(`${useGenerated ? generated() : 'NULL'} AS g${index}`);
  const places = withNeighbours(concept.locations);
  columns.push(
    `${places.length > 0 ? exists(' AND EXISTS (SELECT 1 FROM json_each(f.locations) j WHERE j.value IN (SELECT value FROM json_each(?)))', [JSON.stringify(places)]) : '0'} AS l${index}`,
  );
  return {
    concept,
    index,
    columns,
    params,
    score: `t${index} + (CASE WHEN g${index} IS NULL THEN 0 WHEN g${index} < 0 THEN confidence ELSE g${index} END) + 0.5 * l${index}`,
  };
}

/**
 * The free words as an FTS5 expression: each a quoted string (so no word is ever FTS5 syntax), any of them, in the
 * columns of the query's source.
 */
export function ftsExpression(parsed: ParsedQuery): string | undefined {
  if (parsed.words.length === 0) return undefined;
  const any = parsed.words.map(quote).join(' OR ');
  if (parsed.source === 'generated') return `{generated} : (${any})`;
  if (parsed.source === 'truth') return `{truth report} : (${any})`;
  return any;
}

function quote(word: string): string {
  return `"${word.replace(/"/g, '""')}"`;
}

/** For the hits shown, which columns hold each free word. */
function explainWords(store: IndexStore, parsed: ParsedQuery, labels: number[]): Map<number, WordMatch[]> {
  const out = new Map<number, WordMatch[]>();
  if (parsed.words.length === 0 || labels.length === 0) return out;
  const statement = store.db.prepare(
    'SELECT rowid AS label FROM entries_text WHERE entries_text MATCH ? AND rowid IN (SELECT value FROM json_each(?))',
  );
  for (const word of parsed.words) {
    const fieldsOf = new Map<number, WordMatch['fields']>();
    for (const column of FTS_COLUMNS) {
      for (const row of statement.all(`{${column}} : ${quote(word)}`, JSON.stringify(labels)) as Array<{
        label: number;
      }>) {
        fieldsOf.set(row.label, [...(fieldsOf.get(row.label) ?? []), column]);
      }
    }
    for (const [label, fields] of fieldsOf) out.set(label, [...(out.get(label) ?? []), { word, fields }]);
  }
  return out;
}
