import { QUALIFIER_ABBREVIATIONS, SLASHED_ABBREVIATIONS } from '../labels/vocabulary/abbreviations.js';
import { COMMON_WORDS } from '../labels/vocabulary/common-words.js';
import { FILLER_WORDS, LEXICON } from '../labels/vocabulary/lexicon.js';
import { readNormalPhrases } from '../labels/vocabulary/normal-phrases.js';
import { usSpelling } from '../labels/vocabulary/spelling.js';
import { correctWord } from '../labels/vocabulary/typos.js';

/** One clause of a query, and whether "and" / "or" joined it to the one before (its findings may share a region). */
export interface QueryClause {
  text: string;
  coordinated: boolean;
}

/** Words a search box query carries that ask for nothing. */
export const STOPWORDS = new Set(
  'a an the of in on at to is are was for any show shows showing image images film films xray x ray cxr chest radiograph radiographs study studies find me all with or by from cases case patient patients sided please'.split(
    ' ',
  ),
);

/** A negation inside a clause starts a clause of its own: "effusion without pneumothorax". */
const NEGATION_START = /\s+(?=(?:no|not|without|negative for|free of)\b)/g;
const CLAUSE_BREAK = /\s*(?:[,;.]|\b(and)\b|\bbut\b|\bwith\b|\bplus\b)\s*/;

/** Terms that contain a clause word ("lines and tubes"): read whole, before clauses are split. */
const JOINED_TERMS = [...LEXICON.terms.entries()]
  .filter(([key]) => / (?:and|with|but|plus) /.test(key))
  .map(([key, concept]) => [new RegExp(`\\b${key.replace(/ /g, '\\s+')}\\b`, 'g'), concept.name] as const);

/**
 * A query's free text as clauses of plain words: lower case; slashed shorthand (b/l, w/o) read; every character but
 * letters, digits, spaces, clause marks and a word's leading `-` dropped; British spelling made US; side, size and
 * lobe shorthand expanded; typos of vocabulary words corrected; normal phrasings read as `normal`. Then split at
 * commas, "and", "but", "with" and before a negation; a word's leading `-` becomes a clause "no …" of its own.
 */
export function clausesOf(text: string, extraWords: ReadonlySet<string>): QueryClause[] {
  const read = readNormalPhrases(plainWords(text, extraWords));
  const joined = JOINED_TERMS.reduce((t, [pattern, name]) => t.replace(pattern, name), read);
  const parts = joined.replace(NEGATION_START, ', ').split(CLAUSE_BREAK);
  const clauses: QueryClause[] = [];
  // split() with a capture group interleaves the captured "and" (or undefined) between the pieces.
  for (let i = 0; i < parts.length; i += 2) {
    const coordinated = i > 0 && parts[i - 1] === 'and';
    for (const [n, clause] of splitMinusWords((parts[i] ?? '').trim()).entries()) {
      if (clause.length > 0) clauses.push({ text: clause, coordinated: coordinated && n === 0 });
    }
  }
  return clauses;
}

function plainWords(text: string, extraWords: ReadonlySet<string>): string {
  const slashed = SLASHED_ABBREVIATIONS.reduce(
    (t, [pattern, meaning]) => t.replace(pattern, meaning),
    text.toLowerCase(),
  );
  return slashed
    .replace(/[^a-z0-9\s,;.-]/g, ' ')
    .replace(/(?<=[a-z0-9])-+(?=[a-z0-9])/g, ' ') // covid-19, x-ray, right-sided: hyphens inside words part them
    .split(/\s+/)
    .map((word) => {
      const minus = /^-+[a-z0-9]/.test(word) ? '-' : '';
      const bare = usSpelling(word.replace(/^-+/, '').replace(/-+$/, ''));
      const expanded = QUALIFIER_ABBREVIATIONS[bare] ?? bare;
      return minus + (expanded === bare ? corrected(bare, extraWords) : expanded);
    })
    .join(' ')
    .trim();
}

/** A word with its clause marks, corrected when it is a near miss of a vocabulary word. */
function corrected(word: string, extraWords: ReadonlySet<string>): string {
  const match = /^([a-z0-9]+)([,;.]*)$/.exec(word);
  if (match === null) return word;
  const [, bare, marks] = match as unknown as [string, string, string];
  if (isKnown(bare, extraWords)) return word;
  return correctWord(bare, LEXICON.words) + marks;
}

function isKnown(word: string, extraWords: ReadonlySet<string>): boolean {
  return (
    LEXICON.words.has(word) ||
    COMMON_WORDS.has(word) ||
    STOPWORDS.has(word) ||
    FILLER_WORDS.has(word) ||
    extraWords.has(word) ||
    word in QUALIFIER_ABBREVIATIONS
  );
}

/** `effusion -pneumothorax` → `effusion`, `no pneumothorax`: a leading minus negates just that word. */
function splitMinusWords(clause: string): string[] {
  const words = clause.split(' ');
  const negated = words.filter((w) => w.startsWith('-') && w.length > 1).map((w) => `no ${w.slice(1)}`);
  const kept = words.filter((w) => !w.startsWith('-')).join(' ');
  return [kept, ...negated];
}
