/**
 * How a report's sentences break into clauses and what a clause says of the findings in it: the NegEx-style cues
 * the miner reads mentions by, and the clause polarities free-text search indexes (affirmed, doubted, negated).
 */

/** Words that negate what follows them, to the end of their clause (NegEx-style pre-negation). */
export const PRE_NEGATION =
  /\b(?:no|not|without|negative for|free of|clear of|absence of|absent|resolved|resolution of|(?:interval )?clearing of|cleared|rather than|no evidence of|no signs? of|no definite|no new|no acute|nor|cannot be (?:seen|identified)|ruled out|removed|(?:interval )?removal of|status post removal of)\b/g;
/** Phrases after a finding that negate it. */
export const POST_NEGATION =
  /\b(?:(?:is|are|was|were|has been|have been) (?:not|no longer) (?:\w+ )?(?:seen|identified|present|visualized|visible|evident|demonstrated|appreciated)|(?:has|have) (?:resolved|cleared)|(?:is|are) (?:absent|gone)|not (?:well[- ]|definitely |clearly )?(?:seen|identified|present|visualized|visible|appreciated)|no longer (?:seen|visible|present|evident|identified)|resolved|(?:is|are|has been|have been) (?:excluded|ruled out)|(?:has|have) been (?:removed|discontinued|withdrawn|explanted)|(?:was|were) removed)\b/;
/** Said to be normal right after it is named: "heart size and pulmonary vascular engorgement appear within limits of normal". */
export const SAID_NORMAL =
  /^(?:\s+[\w-]+)?\s+(?:is|are|appears?|remains?|seems?)\s+(?:\w+\s+)?(?:within (?:the )?(?:limits of )?normal|normal|unremarkable)\b/;
/**
 * Phrases after a finding that leave it in doubt: what "cannot be excluded", "is suspected", "is a consideration"
 * or holds only "in the appropriate clinical setting" is offered, not seen; what "may not be demonstrated" is a
 * disclaimer ("nondisplaced fractures may not be demonstrated").
 */
export const POST_SPECULATION =
  /\b(?:can ?not (?:be )?(?:entirely |completely |definitely )?(?:excluded|ruled out)|(?:is |are )?not (?:be )?(?:entirely |completely |definitely )?(?:excluded|ruled out)|(?:is|are) (?:also )?(?:possible|suspected|questioned|questionable|a consideration|considered)|would be a consideration|(?:is |are )?in the differential|(?:is|are) less (?:likely|favou?red)|in the (?:appropriate |proper |right )?clinical (?:setting|context)|difficult to exclude|(?:may|might|can|could|would) not be (?:well )?(?:demonstrated|seen|visible|detected|apparent|identified|evident))\b/;
/** What joins findings that share their modifiers: a conjunction, or a diagnosis offered for what was seen. */
export const COORDINATION =
  /^\s*(?:(?:,|and|or|,\s*and|,\s*or|\/|and\/or|versus|vs\.?)(?:\s+(?!(?:left|right|bilateral|both)\b)[\w-]+){0,2}|(?:,\s*)?(?:(?:most |more )?(?:consistent|compatible) with|suggestive of|representing|represents|likely|probably|probable|unknownword|reflecting|due to|secondary to|related to|from|with (?:associated|adjacent)|(?:which|that) (?:is |are )?(?:most )?(?:probably|unknownword|likely)?\s*(?:represents?|reflects?|(?:is|are) (?:consistent|compatible) with)?)(?:\s+[\w-]+){0,3})?\s*$/;
/** Ends a negation's reach within a sentence. */
export const SCOPE_BREAK =
  /\b(?:but|however|although|though|except|which|with the exception of|other than|apart from|aside from)\b|\bwith (?:persistent|residual|continued|remaining|new)\b|[;:]|,\s*(?:and\s+)?(?:there (?:is|are|has been)|with)\b/g;
export const UNCERTAIN =
  /\b(?:may|might|could|possibl[ey]|probabl[ey]|likely|question(?:able)?|suspicious|suspected|suggest(?:s|ive|ing)?|concern(?:ing)? for|compatible with|consistent with|represent|versus|vs|borderline)\b/;
/**
 * Offered rather than seen, so not indexed: a differential ("… which may represent atelectasis", "could be",
 * "possibly", "suggesting", "concerning for", "question of", "differential includes", "cannot exclude"), and what a
 * report asks for or makes conditional ("recommend CT to evaluate for a nodule", "if there is concern for fracture").
 */
export const SPECULATION =
  /\b(?:may|might|could|possibl[ey]|possibility|questionable|question of|questioned|suggest(?:s|ed|ive|ing)?|suspicious|suspect(?:ed)?|concern(?:s|ing)?|worrisome|worrying|differential|(?:is|are) considered|consideration|consider(?!ing)|cannot (?:be )?(?:exclude|rule out)|can not (?:be )?(?:exclude|rule out)|difficult to (?:exclude|rule out)|not (?:be )?excluded|to exclude|exclude|rule out|less likely|unlikely|if|whether|recommend(?:ed|s)?|correlat(?:e|ion)|follow-?up|further (?:evaluation|characterization|assessment)|(?:to|can) (?:evaluate|assess|identify|characterize|document)|evaluat(?:e|ion) for|assess(?:ment)? for|for (?:the )?(?:evaluation|assessment) of)\b|\?/g;
/**
 * A clause that says how well something could be seen, not what was seen: "evaluation for pneumothorax is limited",
 * "limited assessment of the lung bases", "the retrocardiac region is poorly evaluated", "difficult to assess".
 */
export const LIMITATION =
  /\b(?:limited (?:\w+ )?(?:evaluation|assessment|visualization|examination|exam|study|view) (?:of|for)|(?:evaluation|assessment|visualization|examination|exam|study) (?:of|for) (?:[\w-]+ ){1,6}(?:is|are|was|remains) (?:\w+ )?limited|(?:poorly|incompletely|not well|suboptimally|partially|partly) (?:evaluated|assessed|visualized|characterized|imaged)|difficult to (?:assess|evaluate|see|visualize|characterize)|can ?not be (?:assessed|evaluated|characterized)|(?:limits|limiting|limited) (?:the )?(?:evaluation|assessment|visualization) of)\b/;

export function sentencesOf(text: string): string[] {
  return text
    .replace(/xxxx/gi, 'unknownword')
    .replace(/<br\s*\/?>/gi, ' ')
    .toLowerCase()
    .split(/(?<=[.!?])\s+|\n+|\s+\d\.\s+|^\d\.\s+|(?<=[a-z]{2})\.(?=[a-z]{2})/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export type Polarity = 'affirmed' | 'doubted' | 'negated';

export interface Clause {
  text: string;
  polarity: Polarity;
}

/** Where each clause of a sentence starts and ends: the sentence split at its scope breaks. */
export function clauseBounds(sentence: string): Array<[number, number]> {
  const breaks = [0, ...[...sentence.matchAll(SCOPE_BREAK)].map((m) => m.index ?? 0), sentence.length];
  const bounds: Array<[number, number]> = [];
  for (let i = 0; i + 1 < breaks.length; i++) {
    if ((breaks[i + 1] as number) > (breaks[i] as number)) bounds.push([breaks[i] as number, breaks[i + 1] as number]);
  }
  return bounds;
}

/**
 * A report's text as clauses, each affirmed, doubted or negated, by the miner's own cues: a sentence splits at its
 * scope breaks; a pre-negation ("no", "without") makes the rest of its clause negated, a post-negation ("… is not
 * seen") the part before it; a speculation, hedge or limitation ("may represent", "possible", "cannot be
 * excluded", "evaluation … is limited") makes a clause doubted.
 */
export function clausesOfReport(text: string): Clause[] {
  const clauses: Clause[] = [];
  for (const sentence of sentencesOf(text)) {
    for (const [start, end] of clauseBounds(sentence)) clauses.push(...polaritiesOf(sentence.slice(start, end)));
  }
  return clauses.filter((c) => /[a-z]/.test(c.text));
}

function polaritiesOf(clause: string): Clause[] {
  const doubt = POST_SPECULATION.exec(clause);
  if (doubt !== null) {
    return [
      { text: clause.slice(0, doubt.index).trim(), polarity: 'doubted' },
      { text: clause.slice(doubt.index + doubt[0].length).trim(), polarity: hedged(clause) },
    ];
  }
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
  return new RegExp(SPECULATION.source).test(text) || UNCERTAIN.test(text) || LIMITATION.test(text)
    ? 'doubted'
    : 'affirmed';
}
