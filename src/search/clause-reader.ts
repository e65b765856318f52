import type { RadiologyConcept } from '../labels/vocabulary/concepts.js';
import { FINDING_RULES } from '../labels/vocabulary/finding-rules.js';
import { FILLER_WORDS, LEXICON, termKey } from '../labels/vocabulary/lexicon.js';
import { LOCATION_PHRASES, SEVERITY_PHRASES, SIDE_PHRASES } from '../labels/vocabulary/qualifier-phrases.js';
import { LOCATIONS } from '../labels/vocabulary/qualifiers.js';
import { pluralsOf } from '../labels/vocabulary/spelling.js';
import { heldDisease, nearestHeld, type QueryVocabulary, type UnheldConcept } from './concept-resolver.js';
import { STOPWORDS } from './query-text.js';

/** One thing the query asks about (or, negated, excludes): a finding with what it says of side, severity, place. */
export interface Concept {
  /** The index's name for the finding; for a concept it holds none of, the concept's own name (matching nothing). */
  disease?: string;
  /** The vocabulary concept read (`picc`, `pleural effusion`), whatever the index calls it. */
  concept?: string;
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

export interface ReadClause {
  concepts: Concept[];
  /** Words left over: ranked by bm25 over annotations and report text (none from a negated clause). */
  words: string[];
  unheld: UnheldConcept[];
  /** Whether the clause said anything of side, severity or place itself. */
  qualified: boolean;
}

const NEGATION =
  /^(?:no evidence of|no signs? of|negative for|free of|absence of|absent|without|excluding|exclude|except|not|no)\b\s*/;

/** Side and size words that can stand inside a finding's phrase ("elevated right hemidiaphragm"). */
const INNER_QUALIFIERS = new Set(
  'left right bilateral both mild minimal slight trace small tiny moderate large extensive severe marked massive borderline'.split(
    ' ',
  ),
);

interface Token {
  word: string;
  start: number;
  end: number;
}

interface Mention {
  concept?: RadiologyConcept;
  /** An index disease the vocabulary has no concept for, matched by its own name. */
  literal?: string;
  from: number;
  to: number;
}

/**
 * Reads one clause: a leading negation excludes everything in it; concepts are found word by word, the longest
 * term first (side and size words may stand inside a term), then by the miner's phrasing rules, then by the
 * index's own disease names; sides, sizes and places attach to the nearest finding they can describe (a side never
 * to a finding that has none, like cardiomegaly); whatever is left ranks as free words.
 */
export function readClause(clause: string, vocabulary: QueryVocabulary): ReadClause {
  const negation = NEGATION.exec(clause);
  const negated = negation !== null;
  const body = negated ? clause.slice(negation[0].length) : clause;
  const tokens: Token[] = [...body.matchAll(/[a-z0-9]+/g)].map((m) => ({
    word: m[0],
    start: m.index,
    end: m.index + m[0].length,
  }));
  const owner = new Array<number | undefined>(tokens.length).fill(undefined);
  const mentions = findMentions(tokens, body, vocabulary, owner);
  const used = owner.map((o) => o !== undefined);
  const concepts: Concept[] = mentions.map((m) => ({
    locations: [],
    locationsRequired: false,
    negated,
    text: body,
    ...(m.concept === undefined ? { disease: m.literal } : { concept: m.concept.name }),
  }));
  const unheld: UnheldConcept[] = [];
  for (const [i, mention] of mentions.entries()) {
    if (mention.concept === undefined) continue;
    const concept = concepts[i] as Concept;
    concept.disease = heldDisease(mention.concept, vocabulary);
    if (concept.disease === undefined) {
      concept.disease = mention.concept.name;
      if (!unheld.some((u) => u.concept === mention.concept?.name)) {
        unheld.push({ concept: mention.concept.name, nearest: nearestHeld(mention.concept, vocabulary) });
      }
    }
  }
  const qualifiers = findQualifiers(tokens, body, used);
  if (concepts.length === 0 && qualifiers.length > 0) {
    concepts.push({ locations: [], locationsRequired: false, negated, text: body });
    mentions.push({ from: 0, to: 0 });
  }
  for (const qualifier of qualifiers) {
    const target = attachTo(qualifier, mentions, owner);
    const concept = target === undefined ? undefined : concepts[target];
    if (concept === undefined) continue;
    if (qualifier.kind === 'side') concept.side ??= qualifier.value;
    else if (qualifier.kind === 'severity') concept.severity ??= qualifier.value;
    else if (!concept.locations.includes(qualifier.value)) concept.locations.push(qualifier.value);
  }
  const words = negated
    ? []
    : tokens
        .filter((t, i) => !used[i] && t.word.length > 1 && !STOPWORDS.has(t.word) && !FILLER_WORDS.has(t.word))
        .map((t) => t.word);
  return { concepts, words: [...new Set(words)], unheld, qualified: qualifiers.length > 0 };
}

/** Concept mentions, longest term first; `owner` records which mention each token belongs to. */
function findMentions(
  tokens: Token[],
  body: string,
  vocabulary: QueryVocabulary,
  owner: Array<number | undefined>,
): Mention[] {
  const mentions: Mention[] = [];
  const claim = (mention: Mention, inner: number[] = []) => {
    for (let t = mention.from; t <= mention.to; t++) if (!inner.includes(t)) owner[t] = mentions.length;
    mentions.push(mention);
  };
  for (let i = 0; i < tokens.length; i++) {
    const match = longestTerm(tokens, i);
    if (match === undefined) continue;
    claim({ concept: match.concept, from: i, to: match.to }, match.inner);
    i = match.to;
  }
  for (const rule of FINDING_RULES) {
    const concept = LEXICON.byHeading.get(rule.mesh.toLowerCase())?.[0];
    for (const pattern of rule.patterns) {
      for (const m of body.matchAll(new RegExp(pattern.source, 'g'))) {
        const [from, to] = tokenSpan(tokens, m.index, m.index + m[0].length);
        if (from > to || owner.slice(from, to + 1).some((o) => o !== undefined)) continue;
        claim(concept === undefined ? { literal: rule.mesh.toLowerCase(), from, to } : { concept, from, to });
      }
    }
  }
  for (const disease of vocabulary.diseases) {
    const key = termKey(disease);
    if (LEXICON.terms.has(key)) continue;
    const words = key.split(' ');
    for (let i = 0; i + words.length <= tokens.length; i++) {
      const span = tokens.slice(i, i + words.length).map((t) => t.word);
      const last = span.at(-1) as string;
      const same = span.slice(0, -1).join(' ') === words.slice(0, -1).join(' ');
      const target = words.at(-1) as string;
      if (!same || !(last === target || pluralsOf(target).includes(last))) continue;
      if (owner.slice(i, i + words.length).some((o) => o !== undefined)) continue;
      claim({ literal: disease, from: i, to: i + words.length - 1 });
    }
  }
  // Owners were numbered in the order mentions were claimed; number them in reading order.
  const order = mentions.map((_, i) => i).sort((x, y) => (mentions[x] as Mention).from - (mentions[y] as Mention).from);
  const renumbered = new Map(order.map((old, i) => [old, i]));
  for (let t = 0; t < owner.length; t++) if (owner[t] !== undefined) owner[t] = renumbered.get(owner[t] as number);
  return order.map((i) => mentions[i] as Mention);
}

/** The longest term starting at token `i`, skipping filler words and allowing side and size words inside it. */
function longestTerm(
  tokens: Token[],
  i: number,
): { concept: RadiologyConcept; to: number; inner: number[] } | undefined {
  const first = tokens[i]?.word as string;
  if (FILLER_WORDS.has(first) || INNER_QUALIFIERS.has(first)) return undefined;
  const key: string[] = [];
  const inner: number[] = [];
  let best: { concept: RadiologyConcept; to: number; inner: number[] } | undefined;
  for (let j = i; j < tokens.length && key.length < LEXICON.longest; j++) {
    const word = (tokens[j] as Token).word;
    if (FILLER_WORDS.has(word)) continue;
    if (INNER_QUALIFIERS.has(word)) {
      inner.push(j);
      continue;
    }
    key.push(word);
    const concept = LEXICON.terms.get(key.join(' '));
    if (concept !== undefined) best = { concept, to: j, inner: inner.filter((t) => t < j) };
  }
  return best;
}

/** The tokens a character span covers, widened to whole words ("hyperinflat" → "hyperinflated"). */
function tokenSpan(tokens: Token[], start: number, end: number): [number, number] {
  const from = tokens.findIndex((t) => t.end > start);
  let to = -1;
  for (const [i, t] of tokens.entries()) if (t.start < end) to = i;
  return [from === -1 ? tokens.length : from, to];
}

interface Qualifier {
  kind: 'side' | 'severity' | 'location';
  value: string;
  token: number;
}

const LOCATION_WORDS: Array<[string, string]> = [...LOCATIONS].flatMap((location) => {
  const key = termKey(location);
  const singular = key.endsWith('s') ? [key.slice(0, -1)] : [];
  return [key, ...singular, ...pluralsOf(key)].map((form) => [form, location] as [string, string]);
});

/** Side, size and place words of the clause outside the findings' own words (a side inside a term included). */
function findQualifiers(tokens: Token[], body: string, used: boolean[]): Qualifier[] {
  const found: Qualifier[] = [];
  // Sides are read apart from sizes and places, so one word can say both: "bibasilar" is bilateral and basal.
  const takenBySides = [...used];
  const takenByOthers = [...used];
  const byPhrase = (kind: Qualifier['kind'], phrases: Array<[RegExp, string]>, taken: boolean[]) => {
    for (const [pattern, value] of phrases) {
      for (const m of body.matchAll(new RegExp(pattern.source, 'g'))) {
        const [from, to] = tokenSpan(tokens, m.index, m.index + m[0].length);
        if (from > to || taken.slice(from, to + 1).some(Boolean)) continue;
        found.push({ kind, value, token: from });
        taken.fill(true, from, to + 1);
      }
    }
  };
  byPhrase('side', SIDE_PHRASES, takenBySides);
  byPhrase('severity', SEVERITY_PHRASES, takenByOthers);
  byPhrase('location', LOCATION_PHRASES, takenByOthers);
  for (const [i, token] of tokens.entries()) {
    if (takenByOthers[i] || takenBySides[i]) continue;
    const location = LOCATION_WORDS.find(([form]) => form === token.word);
    if (location === undefined) continue;
    found.push({ kind: 'location', value: location[1], token: i });
    takenByOthers[i] = true;
  }
  for (let t = 0; t < used.length; t++) used[t] = Boolean(takenBySides[t] || takenByOthers[t]);
  return found;
}

/**
 * The finding a side, size or place belongs to: the one whose term it stands inside, else the nearest that can take
 * it (ties go to the following finding: radiologists write the qualifier first).
 */
function attachTo(qualifier: Qualifier, mentions: Mention[], owner: Array<number | undefined>): number | undefined {
  const inside = owner[qualifier.token];
  if (inside !== undefined) return inside;
  let best: number | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const [i, mention] of mentions.entries()) {
    if (qualifier.kind === 'side' && mention.concept?.sided === false) continue;
    const distance =
      qualifier.token < mention.from ? mention.from - qualifier.token - 0.5 : qualifier.token - mention.to;
    if (distance < bestDistance) {
      best = i;
      bestDistance = distance;
    }
  }
  return best;
}
