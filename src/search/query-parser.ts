import { cxrError } from '../errors.js';
import { QUALIFIER_ABBREVIATIONS } from '../labels/vocabulary/abbreviations.js';
import { FINDING_RULES } from '../labels/vocabulary/finding-rules.js';
import { LEXICON, termKey, wordsOf } from '../labels/vocabulary/lexicon.js';
import { LOCATION_PHRASES, SEVERITY_PHRASES } from '../labels/vocabulary/qualifier-phrases.js';
import { LOCATIONS } from '../labels/vocabulary/qualifiers.js';
import { correctWord } from '../labels/vocabulary/typos.js';
import { type Concept, readClause } from './clause-reader.js';
import { heldDisease, nearestHeld, type QueryVocabulary, type UnheldConcept } from './concept-resolver.js';
import { clausesOf } from './query-text.js';

export type { Concept } from './clause-reader.js';
export type { QueryVocabulary, UnheldConcept } from './concept-resolver.js';

export type Source = 'any' | 'generated' | 'truth' | 'report';

/** Filters on the image rather than on a finding. */
export interface EntryFilters {
  view?: string;
  split?: string;
  dataset?: string;
  /**
   * `confidence:X`: the probability a generated finding needs to count (0.5 by default; never the truth's); with no
   * positive concept, images with some generated finding at X (see `generatedPresent` in filter-sql.ts).
   */
  minConfidence?: number;
}

export interface ParsedQuery {
  concepts: Concept[];
  filters: EntryFilters;
  /** Words the vocabulary does not know: ranked by bm25 over annotations and report text. */
  words: string[];
  /** Which findings the concepts match: the cascade's, the dataset's, or either. */
  source: Source;
  /**
   * Concepts the query names that the index holds no finding of: they match no image (rather than falling back to
   * free words), and the answer names what the index holds nearby.
   */
  unheld: UnheldConcept[];
}

export const MAX_QUERY_LENGTH = 1000;

const SOURCES: readonly Source[] = ['any', 'generated', 'truth', 'report'];

const FIELD = /(^|\s)(-?)([a-z][\w-]*)\s*:\s*(?:"([^"]*)"|([^\s"()]+))/gi;
const FIELDS = new Set([
  'disease',
  'finding',
  'location',
  'side',
  'laterality',
  'severity',
  'size',
  'view',
  'split',
  'dataset',
  'source',
  'confidence',
  'min-confidence',
]);

/** Shorthand expanded in queries (side, size, lobe); findings' own abbreviations are terms of the vocabulary. */
export const ABBREVIATIONS = QUALIFIER_ABBREVIATIONS;

/** Words for sides, severities and locations typed in a `field:` value or as free text. */
const SIDE_VALUES: Record<string, string> = { left: 'left', right: 'right', bilateral: 'bilateral', both: 'bilateral' };

/**
 * Parses a search box query against the radiology vocabulary (src/labels/vocabulary/), then the index's names for
 * what it read. Field syntax (`disease:"pleural effusion" severity:small view:PA source:generated confidence:0.5`,
 * a leading `-` negates) gives hard filters; the rest is read as a radiologist writes: shorthand (b/l, LLL, PTX,
 * ETT), British spelling and typos of vocabulary words read; normal phrasings mean `normal`; clauses split at
 * commas and "and"; a clause that starts with "no" / "without" (or a word with a leading `-`) excludes; sides,
 * severities and places attach to the nearest finding they can describe. A concept the index holds no finding of
 * matches nothing and is listed in `unheld` with the nearest concepts the index does hold; whatever is left ranks
 * by bm25. User text never reaches FTS5 as syntax: it is reduced to plain words here.
 */
export function parseQuery(text: string, vocabulary: QueryVocabulary): ParsedQuery {
  if (text.length > MAX_QUERY_LENGTH) {
    throw cxrError('QUERY_INVALID', `the query is ${text.length} characters; at most ${MAX_QUERY_LENGTH}`, {
      length: text.length,
    });
  }
  const parsed: ParsedQuery = { concepts: [], filters: {}, words: [], source: 'any', unheld: [] };
  const fieldConcept: Concept = emptyConcept('', false, true);
  const negatedFields: Concept[] = [];
  const rest = text.replace(
    FIELD,
    (match, lead: string, minus: string, rawName: string, quoted?: string, bare?: string) => {
      const name = rawName.toLowerCase();
      if (!FIELDS.has(name)) return match; // not ours: its words are searched like any others
      const value = (quoted ?? bare ?? '').trim();
      const target = minus === '-' ? emptyConcept(match.trim(), true, true) : fieldConcept;
      applyField(parsed, target, name, value, vocabulary);
      if (minus === '-') negatedFields.push(target);
      else fieldConcept.text = `${fieldConcept.text} ${match.trim()}`.trim();
      return lead;
    },
  );
  if (hasContent(fieldConcept)) parsed.concepts.push(fieldConcept);
  parsed.concepts.push(...negatedFields.filter(hasContent));
  readClauses(rest, vocabulary, parsed);
  return parsed;
}

/** Structured filters given apart from the text (the HTTP API's, the CLI's --filter): the same fields, same checks. */
export type FilterFields = Partial<
  Record<'disease' | 'location' | 'side' | 'severity' | 'view' | 'split' | 'dataset' | 'source' | 'confidence', string>
>;

export function applyFilters(parsed: ParsedQuery, filters: FilterFields, vocabulary: QueryVocabulary): ParsedQuery {
  const concept = emptyConcept('', false, true);
  for (const [name, value] of Object.entries(filters)) {
    if (value === undefined || value === '') continue;
    if (!FIELDS.has(name)) throw cxrError('QUERY_INVALID', `unknown filter '${name}'`, { field: name });
    applyField(parsed, concept, name, value, vocabulary);
    concept.text = `${concept.text} ${name}:${value}`.trim();
  }
  if (hasContent(concept)) parsed.concepts.push(concept);
  return parsed;
}

function emptyConcept(text: string, negated: boolean, locationsRequired: boolean): Concept {
  return { locations: [], locationsRequired, negated, text };
}

function hasContent(concept: Concept): boolean {
  return (
    concept.disease !== undefined ||
    concept.side !== undefined ||
    concept.severity !== undefined ||
    concept.locations.length > 0
  );
}

function applyField(parsed: ParsedQuery, concept: Concept, name: string, value: string, vocabulary: QueryVocabulary) {
  const lower = value.toLowerCase();
  const invalid = (what: string, known?: readonly string[]) =>
    cxrError('QUERY_INVALID', `${name}:${value} — ${what}${known ? ` (known: ${known.join(', ')})` : ''}`, {
      field: name,
      value,
    });
  switch (name) {
    case 'disease':
    case 'finding': {
      const resolved = resolveDisease(lower, vocabulary);
      if (resolved === undefined)
        throw invalid('not a finding the vocabulary or this index knows', vocabulary.diseases);
      concept.disease = resolved.disease;
      if (resolved.concept !== undefined) concept.concept = resolved.concept;
      if (resolved.unheld !== undefined) addUnheld(parsed, resolved.unheld);
      return;
    }
    case 'side':
    case 'laterality': {
      const side = SIDE_VALUES[ABBREVIATIONS[lower] ?? lower];
      if (side === undefined) throw invalid('not a side', ['left', 'right', 'bilateral']);
      concept.side = side;
      return;
    }
    case 'severity':
    case 'size': {
      const severity = firstPhrase(SEVERITY_PHRASES, ABBREVIATIONS[lower] ?? lower);
      if (severity === undefined)
        throw invalid(
          'not a severity',
          SEVERITY_PHRASES.map(([, s]) => s),
        );
      concept.severity = severity;
      return;
    }
    case 'location': {
      const location = LOCATIONS.has(lower) ? lower : firstPhrase(LOCATION_PHRASES, lower);
      if (location === undefined) throw invalid('not a location', [...LOCATIONS]);
      concept.locations.push(location);
      return;
    }
    case 'source':
      if (!SOURCES.includes(lower as Source)) throw invalid('not a source', SOURCES);
      parsed.source = lower as Source;
      return;
    case 'confidence':
    case 'min-confidence': {
      const number = Number(value);
      if (value === '' || !Number.isFinite(number) || number < 0 || number > 1)
        throw invalid('not a number from 0 to 1');
      parsed.filters.minConfidence = number;
      return;
    }
    default:
      if (!/^[\w.-]{1,100}$/.test(value)) throw invalid('not a plain name');
      parsed.filters[name as 'view' | 'split' | 'dataset'] = name === 'view' ? value.toUpperCase() : value;
  }
}

/** The free text, clause by clause; a clause joined by "and" to a region's finding shares the region. */
function readClauses(text: string, vocabulary: QueryVocabulary, parsed: ParsedQuery): void {
  let previous: Concept | undefined;
  for (const clause of clausesOf(text, diseaseWords(vocabulary))) {
    const read = readClause(clause.text, vocabulary);
    if (clause.coordinated && !read.qualified && previous !== undefined) shareRegion(previous, read.concepts);
    parsed.concepts.push(...read.concepts);
    for (const word of read.words) if (!parsed.words.includes(word)) parsed.words.push(word);
    for (const unheld of read.unheld) addUnheld(parsed, unheld);
    previous = read.concepts.at(-1) ?? previous;
  }
}

/** "left lower lobe collapse and consolidation": a finding named after a region's, without its own, is there too. */
function shareRegion(from: Concept, to: Concept[]): void {
  if (from.locations.length === 0) return;
  for (const concept of to) {
    if (concept.negated !== from.negated || conceptOf(concept)?.sided === false) continue;
    if (from.side !== undefined) concept.side ??= from.side;
    if (concept.locations.length === 0) concept.locations.push(...from.locations);
  }
}

function conceptOf(concept: Concept) {
  return concept.concept === undefined ? undefined : LEXICON.byName.get(concept.concept);
}

function addUnheld(parsed: ParsedQuery, unheld: UnheldConcept): void {
  if (!parsed.unheld.some((u) => u.concept === unheld.concept)) parsed.unheld.push(unheld);
}

const diseaseWordSets = new WeakMap<QueryVocabulary, Set<string>>();

/** The index's own disease words: known words, never "corrected" into a vocabulary word. */
function diseaseWords(vocabulary: QueryVocabulary): Set<string> {
  let words = diseaseWordSets.get(vocabulary);
  if (words === undefined) {
    words = new Set(vocabulary.diseases.flatMap(wordsOf));
    diseaseWordSets.set(vocabulary, words);
  }
  return words;
}

function firstPhrase(phrases: Array<[RegExp, string]>, text: string): string | undefined {
  return phrases.find(([pattern]) => pattern.test(text))?.[1];
}

export interface ResolvedDisease {
  /** The index's name; for a concept the index holds none of, the concept's own (matching nothing). */
  disease: string;
  concept?: string;
  unheld?: UnheldConcept;
}

/**
 * A finding's name as typed in `disease:` (or an API filter): a vocabulary term (typos corrected), a phrasing the
 * miner reads, or the index's own disease name. Undefined when it is none of these.
 */
export function resolveDisease(name: string, vocabulary: QueryVocabulary): ResolvedDisease | undefined {
  const key = termKey(name);
  const own = vocabulary.diseases.find((d) => termKey(d) === key);
  const concept =
    LEXICON.terms.get(key) ??
    LEXICON.terms.get(
      key
        .split(' ')
        .map((w) => correctWord(w, LEXICON.words))
        .join(' '),
    ) ??
    LEXICON.byHeading.get(
      FINDING_RULES.find((rule) => rule.patterns.some((p) => new RegExp(p.source).test(name)))?.mesh.toLowerCase() ??
        '',
    )?.[0];
  if (concept === undefined) return own === undefined ? undefined : { disease: own };
  const held = heldDisease(concept, vocabulary) ?? own;
  if (held !== undefined) return { disease: held, concept: concept.name };
  return {
    disease: concept.name,
    concept: concept.name,
    unheld: { concept: concept.name, nearest: nearestHeld(concept, vocabulary) },
  };
}
