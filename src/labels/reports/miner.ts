import type { ReportSections } from '../../datasets/record.js';
import { FINDING_RULES } from './finding-rules.js';

/** A finding the miner read in a report, with what is attached to it. */
export interface MinedFinding {
  /** MeSH heading, or `Anatomy/qualifier` for anatomy headings. */
  mesh: string;
  laterality?: 'left' | 'right' | 'bilateral';
  location: string[];
  severity?: string;
  uncertain: boolean;
  /** The clause it was read from. */
  evidence: string;
}

export interface MinedReport {
  findings: MinedFinding[];
  normal: boolean;
  /** MeSH-style strings, as OpenI annotates: `Pleural Effusion/left/small`, or `normal`. */
  mesh: string[];
}

const TECHNICAL_QUALITY = 'Technical Quality of Image Unsatisfactory';

/** Words that negate what follows them, to the end of their clause (NegEx-style pre-negation). */
const PRE_NEGATION =
  /\b(?:no|not|without|negative for|free of|clear of|absence of|absent|resolved|resolution of|rather than|no evidence of|no signs? of|no definite|no new|no acute|nor|cannot be (?:seen|identified)|ruled out|rule out|exclude|excluded|removed|interval removal of)\b/g;
/** Phrases after a finding that negate it. */
const POST_NEGATION =
  /\b(?:(?:is|are|was|were|has been|have been) (?:not|no longer) (?:seen|identified|present|visualized|evident|demonstrated|appreciated)|(?:has|have) resolved|(?:is|are) absent|not (?:seen|identified|present)|resolved|cannot be (?:excluded|ruled out)|can ?not be (?:excluded|ruled out)|(?:is |are )?not (?:be )?excluded)\b/;
/** What joins findings that share their modifiers: a conjunction, or a diagnosis offered for what was seen. */
const COORDINATION =
  /^\s*(?:,|and|or|,\s*and|,\s*or|\/|(?:,\s*)?(?:(?:most )?(?:consistent|compatible) with|suggestive of|representing|likely|due to|secondary to|from|with (?:associated|adjacent))(?:\s+[\w-]+){0,3})?\s*$/;
/** Ends a negation's reach within a sentence. */
const SCOPE_BREAK =
  /\b(?:but|however|although|though|except|which|with the exception of|other than|apart from|aside from)\b|[;:]|,\s*(?:and\s+)?(?:there (?:is|are|has been)|with)\b/g;
const UNCERTAIN =
  /\b(?:may|might|could|possibl[ey]|probabl[ey]|likely|question(?:able)?|suspicious|suggest(?:s|ive|ing)?|concern(?:ing)? for|compatible with|consistent with|represent|versus|vs)\b/;
/** A differential offered for what was seen ("… which may represent atelectasis or infiltrate") is not indexed. */
const SPECULATION =
  /\b(?:may|might|could) (?:\w+ )?(?:represent|reflect|be due to|indicate|be related to)|\bpossibl[ey]\b|\bquestionable\b|\bversus\b|\bvs\b|\bdifferential\b|\bcannot (?:be )?(?:exclude|rule out)|\bnot (?:be )?excluded\b/g;

export const SIDE_PHRASES: Array<[RegExp, 'left' | 'right' | 'bilateral']> = [
  [/\b(?:bilateral(?:ly)?|both|bibasilar|bibasal|biapical|bilat)\b/, 'bilateral'],
  [/\bleft\b/, 'left'],
  [/\bright\b/, 'right'],
];
export const LOCATION_PHRASES: Array<[RegExp, string]> = [
  [/\bupper lobes?\b/, 'upper lobe'],
  [/\bmiddle lobe\b|\brml\b/, 'middle lobe'],
  [/\blower lobes?\b|\brll\b|\blll\b/, 'lower lobe'],
  [/\blingula/, 'lingula'],
  [/\b(?:bases?|basilar|basal|bibasilar|bibasal)\b/, 'base'],
  [/\b(?:apex|apices|apical|biapical)\b/, 'apex'],
  [/\b(?:hilum|hila|hilar|perihilar)\b/, 'hilum'],
  [/\bretrocardiac\b/, 'retrocardiac'],
];
export const SEVERITY_PHRASES: Array<[RegExp, string]> = [
  [/\b(?:borderline|upper limits of normal)\b/, 'borderline'],
  [/\b(?:mild(?:ly)?|minimal|slight(?:ly)?|minor|trace)\b/, 'mild'],
  [/\b(?:small|tiny)\b/, 'small'],
  [/\bmoderate(?:ly)?\b/, 'moderate'],
  [/\b(?:large|extensive)\b/, 'large'],
  [/\b(?:severe(?:ly)?|marked(?:ly)?|massive)\b/, 'severe'],
];

/**
 * Reads FINDINGS and IMPRESSION like an indexer: sentences, then clauses; each finding phrase found, unless a
 * negation reaches it ("No pleural effusion or pneumothorax.", "… is not seen"); side, lobe or zone and severity
 * words in its clause attach to the nearest finding. A report with no positive finding is `normal`. `XXXX`
 * (redacted words) is treated as an unknown word.
 */
export function mineReport(report: ReportSections): MinedReport {
  const text = [report.findings, report.impression].filter(Boolean).join('. ');
  const byMesh = new Map<string, MinedFinding>();
  for (const sentence of sentencesOf(text)) {
    for (const finding of findingsInSentence(sentence)) {
      const known = byMesh.get(finding.mesh);
      if (known === undefined) byMesh.set(finding.mesh, finding);
      else merge(known, finding);
    }
  }
  const findings = [...byMesh.values()];
  // A comment on image quality is not a finding: the report is still normal.
  const normal = findings.every((finding) => finding.mesh === TECHNICAL_QUALITY);
  return { findings, normal, mesh: findings.length === 0 ? ['normal'] : findings.map(toMesh) };
}

export function sentencesOf(text: string): string[] {
  return text
    .replace(/xxxx/gi, 'unknownword')
    .toLowerCase()
    .split(/(?<=[.!?])\s+|\n+|\s+\d\.\s+|^\d\.\s+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

interface Mention {
  mesh: string;
  at: number;
  end: number;
}

function findingsInSentence(sentence: string): MinedFinding[] {
  const mentions: Mention[] = [];
  for (const rule of FINDING_RULES) {
    for (const pattern of rule.patterns) {
      pattern.lastIndex = 0;
      for (const match of sentence.matchAll(pattern)) {
        mentions.push({ mesh: rule.mesh, at: match.index ?? 0, end: (match.index ?? 0) + match[0].length });
      }
    }
  }
  if (mentions.length === 0) return [];
  const breaks = [...sentence.matchAll(SCOPE_BREAK)].map((m) => m.index ?? 0);
  const negations = [...sentence.matchAll(PRE_NEGATION)].map((m) => m.index ?? 0);
  const speculations = [...sentence.matchAll(SPECULATION)].map((m) => m.index ?? 0);
  const clauseOf = (at: number): [number, number] => {
    const after = breaks.filter((b) => b > at);
    return [Math.max(0, ...breaks.filter((b) => b <= at)), after.length > 0 ? Math.min(...after) : sentence.length];
  };
  const found: MinedFinding[] = [];
  for (const mention of mentions) {
    const [start, end] = clauseOf(mention.at);
    const reaches = (cue: number) => cue >= start && cue < mention.at;
    if (negations.some(reaches) || speculations.some(reaches) || POST_NEGATION.test(sentence.slice(mention.end, end)))
      continue;
    const clause = sentence.slice(start, end);
    const neighbours = mentions.filter((m) => m.at >= start && m.at < end);
    found.push({
      mesh: mention.mesh,
      ...qualifiersOf(sentence, start, end, mention, neighbours),
      uncertain: UNCERTAIN.test(clause),
      evidence: clause.trim(),
    });
  }
  return subsumed(found);
}

/**
 * Side, location and severity words of the clause, each given to the finding it modifies ("left pleural effusion
 * and right lower lobe atelectasis": left → effusion; right, lower lobe → atelectasis) and shared with findings
 * coordinated right after that one ("mild right basilar atelectasis and scarring": both right, basilar, mild) or
 * offered as its explanation ("right lower lobe opacity consistent with pneumonia": the pneumonia is there too).
 */
function qualifiersOf(
  sentence: string,
  start: number,
  end: number,
  mention: Mention,
  neighbours: Mention[],
): Pick<MinedFinding, 'laterality' | 'location' | 'severity'> {
  const clause = sentence.slice(start, end);
  const ordered = [...neighbours].sort((a, b) => a.at - b.at);
  const coordinated = (head: Mention) => {
    // Overlapping phrases name one thing ("nodular opacities" is a nodule and an opacity).
    const group = [head, ...ordered.filter((m) => m !== head && m.at < head.end && head.at < m.end)];
    for (const next of ordered.filter((m) => m.at > head.at)) {
      const between = sentence.slice((group.at(-1) as Mention).end, next.at);
      if (!COORDINATION.test(between)) break;
      group.push(next);
    }
    return group;
  };
  const pick = <T>(table: Array<[RegExp, T]>): T[] =>
    table
      .filter(([pattern]) =>
        [...clause.matchAll(new RegExp(pattern.source, 'g'))].some((match) => {
          const head = nearest(start + (match.index ?? 0), neighbours, sentence);
          return head !== undefined && coordinated(head).includes(mention);
        }),
      )
      .map(([, value]) => value);
  const sides = pick(SIDE_PHRASES);
  return {
    laterality:
      sides.includes('bilateral') || (sides.includes('left') && sides.includes('right')) ? 'bilateral' : sides[0],
    location: pick(LOCATION_PHRASES),
    severity: pick(SEVERITY_PHRASES)[0],
  };
}

/**
 * The finding a modifier belongs to: the next one when nothing but other modifiers stands between them ("right
 * lower lobe atelectasis"), else the previous one ("effusion on the left"), else the next across a conjunction.
 */
function nearest(at: number, mentions: Mention[], sentence: string): Mention | undefined {
  const inside = mentions.find((m) => at >= m.at && at < m.end);
  if (inside !== undefined) return inside;
  const sorted = [...mentions].sort((a, b) => a.at - b.at);
  const next = sorted.find((m) => m.at >= at);
  const previous = [...sorted].reverse().find((m) => m.end <= at);
  if (next !== undefined && !/\b(?:and|or|with|while)\b|[,.]/.test(sentence.slice(at, next.at))) return next;
  return previous ?? next;
}

/** A more specific phrase wins over the general one it contains (calcified granuloma over calcinosis and granuloma). */
function subsumed(findings: MinedFinding[]): MinedFinding[] {
  const has = (mesh: string) => findings.some((f) => f.mesh === mesh);
  const dropped = new Set<string>();
  if (has('Calcified Granuloma')) dropped.add('Calcinosis').add('Granuloma');
  if (has('Airspace Disease')) dropped.add('Opacity');
  if (has('Thoracic Vertebrae/degenerative')) dropped.add('Spine/degenerative');
  if (has('Granulomatous Disease')) dropped.add('Granuloma');
  if (has('Lung/hyperdistention')) dropped.add('Emphysema');
  return findings.filter((f) => !dropped.has(f.mesh));
}

function merge(into: MinedFinding, other: MinedFinding): void {
  if (into.laterality === undefined) into.laterality = other.laterality;
  else if (other.laterality !== undefined && other.laterality !== into.laterality) into.laterality = 'bilateral';
  for (const place of other.location) if (!into.location.includes(place)) into.location.push(place);
  into.severity ??= other.severity;
  into.uncertain &&= other.uncertain;
}

/** `Heading/location…/side/severity`, the order OpenI's indexers use. */
function toMesh(finding: MinedFinding): string {
  const parts = [finding.mesh, ...finding.location];
  if (finding.laterality !== undefined) parts.push(finding.laterality);
  if (finding.severity !== undefined) parts.push(finding.severity);
  return parts.join('/');
}
