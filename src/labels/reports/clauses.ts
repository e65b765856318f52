/**
 * How a report's sentences break into clauses and what a clause says of the findings in it: the NegEx-style cues
 * the miner reads mentions by, and the clause polarities free-text search indexes (affirmed, doubted, negated).
 */

/** Words that negate what follows them, to the end of their clause (NegEx-style pre-negation). */
export const PRE_NEGATION =
  /\b(?:no|not|without|negative for|free of|clear of|absence of|absent|resolved|resolution of|rather than|no evidence of|no signs? of|no definite|no new|no acute|nor|cannot be (?:seen|identified)|ruled out|rule out|exclude|excluded|removed|interval removal of)\b/g;
/** Phrases after a finding that negate it. */
export const POST_NEGATION =
  /\b(?:(?:is|are|was|were|has been|have been) (?:not|no longer) (?:seen|identified|present|visualized|evident|demonstrated|appreciated)|(?:has|have) resolved|(?:is|are) absent|not (?:seen|identified|present)|resolved|cannot be (?:excluded|ruled out)|can ?not be (?:excluded|ruled out)|(?:is |are )?not (?:be )?excluded)\b/;
/** What joins findings that share their modifiers: a conjunction, or a diagnosis offered for what was seen. */
export const COORDINATION =
  /^\s*(?:,|and|or|,\s*and|,\s*or|\/|(?:,\s*)?(?:(?:most )?(?:consistent|compatible) with|suggestive of|representing|likely|due to|secondary to|from|with (?:associated|adjacent))(?:\s+[\w-]+){0,3})?\s*$/;
/** Ends a negation's reach within a sentence. */
export const SCOPE_BREAK =
  /\b(?:but|however|although|though|except|which|with the exception of|other than|apart from|aside from)\b|[;:]|,\s*(?:and\s+)?(?:there (?:is|are|has been)|with)\b/g;
export const UNCERTAIN =
  /\b(?:may|might|could|possibl[ey]|probabl[ey]|likely|question(?:able)?|suspicious|suggest(?:s|ive|ing)?|concern(?:ing)? for|compatible with|consistent with|represent|versus|vs)\b/;
/** A differential offered for what was seen ("… which may represent atelectasis or infiltrate") is not indexed. */
export const SPECULATION =
  /\b(?:may|might|could) (?:\w+ )?(?:represent|reflect|be due to|indicate|be related to)|\bpossibl[ey]\b|\bquestionable\b|\bversus\b|\bvs\b|\bdifferential\b|\bcannot (?:be )?(?:exclude|rule out)|\bnot (?:be )?excluded\b/g;

export function sentencesOf(text: string): string[] {
  return text
    .replace(/xxxx/gi, 'unknownword')
    .toLowerCase()
    .split(/(?<=[.!?])\s+|\n+|\s+\d\.\s+|^\d\.\s+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export type Polarity = 'affirmed' | 'doubted' | 'negated';

export interface Clause {
  text: string;
  polarity: Polarity;
}

/**
 * A report's text as clauses, each affirmed, doubted or negated, by the miner's own cues: a sentence splits at its
 * scope breaks; a pre-negation ("no", "without") makes the rest of its clause negated, a post-negation ("… is not
 * seen") the part before it; a speculation or hedge ("may represent", "possible") makes a clause doubted.
 */
export function clausesOfReport(text: string): Clause[] {
  const clauses: Clause[] = [];
  for (const sentence of sentencesOf(text)) {
    const breaks = [0, ...[...sentence.matchAll(SCOPE_BREAK)].map((m) => m.index), sentence.length];
    for (let i = 0; i + 1 < breaks.length; i++) {
      clauses.push(...polaritiesOf(sentence.slice(breaks[i], breaks[i + 1])));
    }
  }
  return clauses.filter((c) => /[a-z]/.test(c.text));
}

function polaritiesOf(clause: string): Clause[] {
  const post = POST_NEGATION.exec(clause);
  if (post !== null) {
    return [
      { text: clause.slice(0, post.index).trim(), polarity: 'negated' },
      { text: clause.slice(post.index + post[0].length).trim(), polarity: hedged(clause) },
    ];
  }
  const negation = new RegExp(PRE_NEGATION.source).exec(clause);
  if (negation === null) return [{ text: clause.trim(), polarity: hedged(clause) }];
  const before = clause.slice(0, negation.index);
  return [
    { text: before.trim(), polarity: hedged(before) },
    { text: clause.slice(negation.index).trim(), polarity: 'negated' },
  ];
}

function hedged(text: string): Polarity {
  return new RegExp(SPECULATION.source).test(text) || UNCERTAIN.test(text) ? 'doubted' : 'affirmed';
}
