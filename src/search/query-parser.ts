import { cxrError } from '../errors.js';
import { FINDING_RULES } from '../labels/vocabulary/finding-rules.js';
import { LOCATION_PHRASES, SEVERITY_PHRASES, SIDE_PHRASES } from '../labels/vocabulary/qualifier-phrases.js';
import { LOCATIONS, NORMAL } from '../labels/vocabulary/qualifiers.js';

/** One thing the query asks about (or, negated, excludes): a finding with what it says of side, severity, place. */
export interface Concept {
  disease?: string;
  side?: string;
  severity?: string;
  /** Where: ranks higher when it matches (from free text) or must match (from `location:`). */
  locations: string[];
  /** Locations from `location:` are hard filters; from free text they only rank. */
  locationsRequired: boolean;
  negated: boolean;
  /** The words of the query it was read from. */
  text: string;
}

/** Whose findings a concept matches: the cascade's, the dataset's stated annotations, its mined reports, or any. */
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
}

/** The diseases an index knows (lower case, as stored), which synonyms resolve to. */
export interface QueryVocabulary {
  diseases: readonly string[];
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

/** Abbreviations radiologists type, expanded before matching. */
export const ABBREVIATIONS: Record<string, string> = {
  lll: 'left lower lobe',
  rll: 'right lower lobe',
  lul: 'left upper lobe',
  rul: 'right upper lobe',
  rml: 'right middle lobe',
  ptx: 'pneumothorax',
  pnx: 'pneumothorax',
  cmg: 'cardiomegaly',
  eff: 'effusion',
  effusions: 'effusion',
  atx: 'atelectasis',
  fx: 'fracture',
  fxs: 'fractures',
  bilat: 'bilateral',
  lt: 'left',
  rt: 'right',
  sm: 'small',
  mod: 'moderate',
  lg: 'large',
  nml: 'normal',
};

const NEGATIONS = /^(?:no|not|without|negative for|free of|absent|absence of|exclude|excluding|except)\b\s*/;
/** A negation inside a clause starts a clause of its own: "effusion without pneumothorax". */
const NEGATION_START = /\s+(?=(?:no|not|without|negative for|free of)\b)/g;
const CLAUSE_BREAKS = /\s*(?:[,;.]|\band\b|\bbut\b|\bwith\b|\bplus\b)\s*/;
const STOPWORDS = new Set(
  'a an the of in on at to is are was for any show shows showing image images film films xray x ray cxr chest radiograph radiographs study studies find me all with or by from cases case patient patients'.split(
    ' ',
  ),
);

/** Words for sides, severities and locations typed in a `field:` value or as free text. */
const SIDE_VALUES: Record<string, string> = { left: 'left', right: 'right', bilateral: 'bilateral', both: 'bilateral' };

/**
 * Parses a search box query against the index's vocabulary. Field syntax (`disease:"pleural effusion"
 * severity:small view:PA source:generated confidence:0.5`, a leading `-` negates) gives hard filters; the rest is
 * read as a radiologist writes: clauses split at commas and "and"; a clause that starts with "no" / "without" (or a
 * word with a leading `-`) excludes; disease words and synonyms (the report miner's phrasings), sides, severities
 * and places attach to the nearest disease; abbreviations (LLL, PTX) expand; whatever is left ranks by bm25.
 * User text never reaches FTS5 as syntax: it is reduced to plain words here.
 */
export function parseQuery(text: string, vocabulary: QueryVocabulary): ParsedQuery {
  if (text.length > MAX_QUERY_LENGTH) {
    throw cxrError('QUERY_INVALID', `the query is ${text.length} characters; at most ${MAX_QUERY_LENGTH}`, {
      length: text.length,
    });
  }
  const parsed: ParsedQuery = { concepts: [], filters: {}, words: [], source: 'any' };
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
  for (const clause of clausesOf(rest)) readClause(clause, vocabulary, parsed);
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
      const disease = resolveDisease(lower, vocabulary);
      if (disease === undefined) throw invalid('not a disease this index knows', vocabulary.diseases);
      concept.disease = disease;
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

/** Lower case, abbreviations expanded, everything but letters, digits, spaces, clause marks and `-` removed. */
function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9\s,;.-]/g, ' ')
    .split(/\s+/)
    .map((word) => {
      const minus = word.startsWith('-') ? '-' : '';
      const bare = word.replace(/^-+/, '').replace(/-+$/, '');
      return minus + (ABBREVIATIONS[bare] ?? bare);
    })
    .join(' ')
    .trim();
}

function clausesOf(text: string): string[] {
  return normalise(text)
    .replace(NEGATION_START, ', ')
    .split(CLAUSE_BREAKS)
    .flatMap((clause) => splitMinusWords(clause.trim()))
    .filter((clause) => clause.length > 0);
}

/** `effusion -pneumothorax` → `effusion`, `no pneumothorax`: a leading minus negates just that word. */
function splitMinusWords(clause: string): string[] {
  const words = clause.split(' ');
  const negated = words.filter((w) => w.startsWith('-') && w.length > 1).map((w) => `no ${w.slice(1)}`);
  const kept = words.filter((w) => !w.startsWith('-')).join(' ');
  return [kept, ...negated];
}

interface Found {
  value: string;
  start: number;
  end: number;
}

function readClause(clause: string, vocabulary: QueryVocabulary, parsed: ParsedQuery): void {
  const negation = NEGATIONS.exec(clause);
  const negated = negation !== null;
  const body = negated ? clause.slice(negation[0].length) : clause;
  const consumed = new Array<boolean>(body.length).fill(false);
  // Each span of the clause is read once: the first (longest) reading of it wins.
  const take = (found: Found[]) =>
    found.filter((f) => {
      if (consumed.slice(f.start, f.end).some(Boolean)) return false;
      consumed.fill(true, f.start, f.end);
      return true;
    });
  const diseases = take(findDiseases(body, vocabulary));
  const sides = take(findPhrases(body, SIDE_PHRASES));
  const severities = take(findPhrases(body, SEVERITY_PHRASES));
  const locations = take(findPhrases(body, LOCATION_PHRASES));
  const concepts: Array<Concept & { at: number }> = diseases.map((d) => ({
    ...emptyConcept(body, negated, false),
    disease: d.value,
    at: d.start,
  }));
  if (concepts.length === 0 && sides.length + severities.length + locations.length > 0) {
    concepts.push({ ...emptyConcept(body, negated, false), at: 0 });
  }
  const nearest = (f: Found) =>
    concepts.reduce<(typeof concepts)[number] | undefined>(
      (best, c) => (best === undefined || Math.abs(c.at - f.start) < Math.abs(best.at - f.start) ? c : best),
      undefined,
    );
  for (const side of sides) {
    const c = nearest(side);
    if (c !== undefined) c.side ??= side.value;
  }
  for (const severity of severities) {
    const c = nearest(severity);
    if (c !== undefined) c.severity ??= severity.value;
  }
  for (const location of locations) nearest(location)?.locations.push(location.value);
  parsed.concepts.push(...concepts.sort((a, b) => a.at - b.at).map(({ at: _, ...concept }) => concept));
  const leftover = [...body].map((ch, i) => (consumed[i] ? ' ' : ch)).join('');
  for (const word of leftover.split(/[\s,;.-]+/)) {
    if (word.length > 1 && !STOPWORDS.has(word) && !parsed.words.includes(word) && !negated) parsed.words.push(word);
  }
}

/** Disease mentions: the index's own disease names, then the report miner's phrasings mapped to them. */
function findDiseases(text: string, vocabulary: QueryVocabulary): Found[] {
  const found: Found[] = [];
  for (const disease of vocabulary.diseases) {
    const phrase = disease.replace(/[/,]/g, ' ').replace(/\s+/g, ' ').trim();
    const pattern = new RegExp(`\\b${escapeRegExp(phrase)}(?:e?s)?\\b`, 'g');
    for (const m of text.matchAll(pattern)) found.push({ value: disease, start: m.index, end: m.index + m[0].length });
  }
  for (const rule of FINDING_RULES) {
    const disease = resolveDisease(rule.mesh.toLowerCase(), vocabulary);
    if (disease === undefined) continue;
    for (const pattern of rule.patterns) {
      for (const m of text.matchAll(new RegExp(pattern.source, 'g'))) {
        found.push({ value: disease, start: m.index, end: m.index + m[0].length });
      }
    }
  }
  if (vocabulary.diseases.includes(NORMAL)) {
    for (const m of text.matchAll(/\b(?:normal|unremarkable|no finding|no acute)\b/g)) {
      found.push({ value: NORMAL, start: m.index, end: m.index + m[0].length });
    }
  }
  // Longest first, so "calcified granuloma" wins over "granuloma".
  return found.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
}

function findPhrases(text: string, phrases: Array<[RegExp, string]>): Found[] {
  return phrases.flatMap(([pattern, value]) =>
    [...text.matchAll(new RegExp(pattern.source, 'g'))].map((m) => ({
      value,
      start: m.index,
      end: m.index + m[0].length,
    })),
  );
}

function firstPhrase(phrases: Array<[RegExp, string]>, text: string): string | undefined {
  return phrases.find(([pattern]) => pattern.test(text))?.[1];
}

/**
 * A disease name or synonym as the index spells it: exact, or the miner's MeSH heading, or a known disease that is
 * the heading's last word(s) (`pleural effusion` → `effusion` in ChestX-ray14), or the reverse.
 */
export function resolveDisease(name: string, vocabulary: QueryVocabulary): string | undefined {
  const wanted = name.replace(/\s+/g, ' ').trim();
  if (vocabulary.diseases.includes(wanted)) return wanted;
  const spaced = (d: string) => d.replace(/[/,]/g, ' ').replace(/\s+/g, ' ').trim();
  const exact = vocabulary.diseases.find((d) => spaced(d) === spaced(wanted));
  if (exact !== undefined) return exact;
  const viaRule = FINDING_RULES.find((rule) => rule.patterns.some((p) => new RegExp(p.source).test(wanted)));
  const heading = viaRule?.mesh.toLowerCase();
  if (heading !== undefined && vocabulary.diseases.includes(heading)) return heading;
  const candidate = heading ?? wanted;
  return vocabulary.diseases.find((d) => candidate.endsWith(` ${d}`) || d.endsWith(` ${candidate}`));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
