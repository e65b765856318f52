import type { ReportSections } from '../../datasets/record.js';
import { FINDING_RULES } from '../vocabulary/finding-rules.js';
import { LOCATION_PHRASES, SEVERITY_PHRASES, SIDE_PHRASES } from '../vocabulary/qualifier-phrases.js';
import {
  COORDINATION,
  POST_NEGATION,
  PRE_NEGATION,
  SCOPE_BREAK,
  SPECULATION,
  sentencesOf,
  UNCERTAIN,
} from './clauses.js';

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
