import type { FindingSource, IndexStore } from '../store/index-store.js';
import { and, findingCondition, queryFilter, type SqlFilter, withNeighbours } from './filter-sql.js';
import type { Concept, ParsedQuery, Source } from './query-parser.js';

/** Why an entry matched one of the query's concepts. */
export interface ConceptMatch {
  concept: string;
  /** Which findings said so: the dataset's (`truth`), its report's (`report`), the cascade's (`generated`). */
  sources: FindingSource[];
  /** The finding is where the query said (or next to it). */
  location: boolean;
  /** The per-finding head's calibrated probability of the generated finding that matched, when it has one. */
  probability?: number;
}

/** An FTS column a free word can match: `report` is what a report affirms, `report_doubted` what it only hedges. */
export type WordField = 'generated' | 'truth' | 'report' | 'report_doubted';

export interface WordMatch {
  word: string;
  fields: WordField[];
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

/** The columns a positive word can match, by the query's source; `report_negated` is never one of them. */
const WORD_COLUMNS: Record<Source, WordField[]> = {
  any: ['generated', 'truth', 'report', 'report_doubted'],
  generated: ['generated'],
  truth: ['truth'],
  report: ['report', 'report_doubted'],
};

/**
 * bm25 of what a word matched where it is affirmed (the generated annotation, the stated one, what a report
 * affirms), and of what it matched where a report only doubts it. Weights follow the column order of
 * db/index/005: generated, truth, report, report_doubted, report_negated. A weight of 0 makes a column add nothing.
 */
const AFFIRMED_BM25 = 'bm25(entries_text, 1.0, 1.0, 0.5, 0.0, 0.0)';
const DOUBTED_BM25 = 'bm25(entries_text, 0.0, 0.0, 0.0, 0.5, 0.0)';

/**
 * Ranks entries for a parsed query. Hard filters first (entry filters, concepts present, negated concepts absent);
 * then each positive concept scores 1 when the dataset's own annotation or what the miner read in its report states
 * it, plus, when the generated annotation does, the per-finding head's calibrated probability of that finding
 * (without one: the cascade's confidence in its whole reading, class and words), plus ½ when it is where the query
 * said. Free words add bm25 normalised into ½…1 when an annotation or a report affirms one of them, into 0…½ when a
 * report only doubts them (so a doubt always ranks below an affirmation), and never match what a report denies. Ties
 * go to the more confident reading.
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
  const textScore =
    match === undefined
      ? '0'
      : 'coalesce(CASE WHEN fts.s > 0 THEN 0.5 + 0.5 * fts.s / (1.0 + fts.s) ELSE 0.5 * fts.d / (1.0 + fts.d) END, 0)';
  const onlyWords = positives.length === 0 && match !== undefined;
  const filter = and([queryFilter(parsed), ...(extra ? [extra] : [])]);
  const sql = `
    WITH fts AS (${match === undefined ? 'SELECT 0 AS label, 0.0 AS s, 0.0 AS d WHERE 0' : `SELECT rowid AS label, -${AFFIRMED_BM25} AS s, -${DOUBTED_BM25} AS d FROM entries_text WHERE entries_text MATCH ?`}),
    matched AS (
      SELECT e.label, coalesce(e.reading_confidence, e.confidence) AS confidence, ${textScore} AS text_score ${columns.length > 0 ? `, ${columns.join(', ')}` : ''}
      FROM entries e ${onlyWords ? 'JOIN' : 'LEFT JOIN'} fts ON fts.label = e.label
      WHERE ${filter.where})
    SELECT *, (${conceptScore}) + text_score + 0.001 * confidence AS score, count(*) OVER () AS candidates
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
  const stated = row[`t${flag.index}`] ?? 0;
  const sources: FindingSource[] = [];
  if (stated & STATED_BIT.truth) sources.push('truth');
  if (stated & STATED_BIT.report) sources.push('report');
  if (generated !== null) sources.push('generated');
  return {
    concept: flag.concept.text,
    sources,
    location: row[`l${flag.index}`] === 1,
    ...(generated !== null && generated >= 0 ? { probability: generated } : {}),
  };
}

/** How the per-concept `t` column says which of the read (not estimated) sources state the concept. */
const STATED_BIT = { truth: 1, report: 2 } as const;

/**
 * The three per-concept columns (stated match: truth and/or report, as STATED_BIT; generated match with its
 * calibrated probability; location match) and the score they add: a report's finding counts as a stated one.
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
  const read = (['truth', 'report'] as const).filter((s) => parsed.source === 'any' || parsed.source === s);
  const useGenerated = parsed.source === 'any' || parsed.source === 'generated';
  // One look for both read sources: a bit each (an image has one or the other, from its study).
  const stated = () => {
    params.push(...condition.params);
    return `(SELECT sum(DISTINCT CASE f.source WHEN 'truth' THEN ${STATED_BIT.truth} ELSE ${STATED_BIT.report} END) FROM findings f INDEXED BY findings_by_label WHERE f.label = e.label AND ${condition.where} AND f.source IN (${read.map((s) => `'${s}'`).join(', ')}))`;
  };
  columns.push(`${read.length > 0 ? stated() : 'NULL'} AS t${index}`);
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
    score: `(t${index} IS NOT NULL) + (CASE WHEN g${index} IS NULL THEN 0 WHEN g${index} < 0 THEN confidence ELSE g${index} END) + 0.5 * l${index}`,
  };
}

/**
 * The free words as an FTS5 expression: each a quoted string (so no word is ever FTS5 syntax), any of them, in the
 * columns of the query's source (never `report_negated`: a positive word does not match what a report denies).
 */
export function ftsExpression(parsed: ParsedQuery): string | undefined {
  if (parsed.words.length === 0) return undefined;
  return `{${WORD_COLUMNS[parsed.source].join(' ')}} : (${parsed.words.map(quote).join(' OR ')})`;
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
    for (const column of WORD_COLUMNS[parsed.source]) {
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
