import type { ReportSections } from '../../datasets/record.js';
import { DEVICE_HEADINGS, FINDING_RULES, UNSIDED_HEADINGS } from '../vocabulary/finding-rules.js';
import {
  BOTH_SIDES_FINDINGS,
  BOTH_SIDES_PHRASES,
  LOCATION_PHRASES,
  SEVERITY_PHRASES,
  SIDE_PHRASES,
} from '../vocabulary/qualifier-phrases.js';
import {
  COORDINATION,
  clauseBounds,
  LIMITATION,
  POST_NEGATION,
  POST_SPECULATION,
  PRE_NEGATION,
  SAID_NORMAL,
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
 * negation reaches it ("No pleural effusion or pneumothorax.", "… is not seen"), it is only offered ("may represent",
 * "cannot be excluded") or the clause says how well it could be seen ("evaluation for pneumothorax is limited");
 * side, lobe or zone and severity words in its clause attach to the finding they modify. One heading found on two
 * sides in different clauses stays two annotations (`Opacity/left`, `Opacity/right`), as OpenI's indexers write
 * them. A report with no positive finding is `normal`. `XXXX` (redacted words) is treated as an unknown word.
 */
export function mineReport(report: ReportSections): MinedReport {
  const text = [report.findings, report.impression].filter(Boolean).join('. ');
  const findings: MinedFinding[] = [];
  for (const sentence of sentencesOf(text)) {
    for (const finding of findingsInSentence(sentence)) add(findings, finding);
  }
  const named = bothWhenUnsided(namedByPlace(findings));
  // A comment on image quality is not a finding: the report is still normal.
  const normal = named.every((finding) => finding.mesh === TECHNICAL_QUALITY);
  return { findings: named, normal, mesh: named.length === 0 ? ['normal'] : named.map(toMesh) };
}

interface Mention {
  mesh: string;
  at: number;
  end: number;
}

function findingsInSentence(sentence: string): MinedFinding[] {
  const mentions = mentionsIn(sentence);
  if (mentions.length === 0) return [];
  const negations = cueStarts(sentence, PRE_NEGATION);
  const speculations = cueStarts(sentence, SPECULATION);
  const found: MinedFinding[] = [];
  for (const [start, end] of clauseBounds(sentence)) {
    const inClause = mentions.filter((m) => m.at >= start && m.at < end);
    if (inClause.length === 0) continue;
    const clause = sentence.slice(start, end);
    const limited = LIMITATION.test(clause);
    for (const mention of inClause) {
      const reaches = (cue: number) => cue >= start && cue < mention.at;
      const after = sentence.slice(mention.end, end);
      if (negations.some(reaches) || POST_NEGATION.test(after) || SAID_NORMAL.test(after)) continue;
      if (speculations.some(reaches) || POST_SPECULATION.test(after)) continue;
      if (limited && mention.mesh !== TECHNICAL_QUALITY) continue;
      for (const qualifiers of qualifiersOf(sentence, start, end, mention, inClause)) {
        found.push({ mesh: mention.mesh, ...qualifiers, uncertain: UNCERTAIN.test(clause), evidence: clause.trim() });
      }
    }
  }
  return subsumed(found);
}

function mentionsIn(sentence: string): Mention[] {
  const mentions: Mention[] = [];
  for (const rule of FINDING_RULES) {
    for (const pattern of rule.patterns) {
      for (const [at, end] of matchesOf(pattern, sentence)) mentions.push({ mesh: rule.mesh, at, end });
    }
  }
  // Two phrases of one heading that overlap are one mention.
  return mentions
    .sort((a, b) => a.at - b.at || b.end - a.end)
    .filter((m, i, all) => !all.slice(0, i).some((o) => o.mesh === m.mesh && o.end > m.at));
}

function cueStarts(sentence: string, cue: RegExp): number[] {
  return matchesOf(cue, sentence).map(([at]) => at);
}

/**
 * Where a global pattern matches, as [start, end]. Most of the miner's time goes here: the phrase tables are tried
 * on every sentence and most fail, so `test` screens first (it allocates nothing) and `exec` runs only on a hit.
 */
function matchesOf(pattern: RegExp, text: string): Array<[number, number]> {
  pattern.lastIndex = 0;
  if (!pattern.test(text)) return [];
  pattern.lastIndex = 0;
  const found: Array<[number, number]> = [];
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    found.push([match.index, match.index + match[0].length]);
    if (match[0].length === 0) pattern.lastIndex++;
  }
  return found;
}

/** A phrase table's patterns made global once, for `matchesOf`. */
function globalTable<T>(table: Array<[RegExp, T]>): Array<[RegExp, T]> {
  return table.map(([pattern, value]) => [new RegExp(pattern.source, 'g'), value]);
}
const SIDES = globalTable(SIDE_PHRASES);
const BOTH_SIDES = globalTable(BOTH_SIDES_PHRASES);
const LOCATIONS = globalTable(LOCATION_PHRASES);
const SEVERITIES = globalTable(SEVERITY_PHRASES);

/**
 * Side words that name no side of a finding: a heart chamber ("tip in the right atrium"), the direction of a shift
 * ("right-to-left"), a view ("only visible on the left lateral decubitus film").
 */
const NOT_A_SIDE =
  /\b(?:right|left)(?= (?:atri|ventric|heart chamber|cardiophrenic|(?:lateral )?decubitus|(?:anterior |posterior )?oblique)|[- ]to[- ](?:right|left)|ward)|(?<=(?:right|left)[- ]to[- ])(?:right|left)\b/g;
/**
 * Where a device's tip lies: a side after it is the tip's place, not the side the device enters from. Where the
 * device itself lies ("generator overlies the left upper thorax", "catheter overlying the right chest") is its side.
 */
const DEVICE_TIP =
  /\b(?:tips?|terminat\w*|ends?|extend\w*|cours\w*|(?:is |are )?(?:in|at) the (?:level|region|expected)|position\w*|advanced|reaching|(?:in|into|within) the)\b/;

/**
 * Side, location and severity words of the clause, each given to the finding it modifies ("left pleural effusion
 * and right lower lobe atelectasis": left → effusion; right, lower lobe → atelectasis) and shared with findings
 * coordinated with that one: after it when the word stands before ("mild right basilar atelectasis and scarring":
 * both right, basilar, mild), before it too when the word stands after ("atelectasis or scarring in the right base")
 * or the earlier finding is an adjective of the same noun ("calcified right hilar nodules"), and a diagnosis offered
 * for it ("right lower lobe opacity consistent with pneumonia", "opacity in the left base, likely atelectasis"). A
 * device takes no side from where its tip lies ("left PICC with tip in the right atrium" is a left PICC). Paired
 * structures named in the plural ("in the lung bases", "apices", "diaphragms") are both sides. One finding placed
 * on each side at its own place ("opacities in the left apex and right base", "clips in the right neck and left
 * mediastinum") is two annotations, as OpenI's indexers write it; "left and right pleural effusions", two sides of
 * one noun, is one, bilateral.
 */
function qualifiersOf(
  sentence: string,
  start: number,
  end: number,
  mention: Mention,
  neighbours: Mention[],
): Qualifiers[] {
  const clause = sentence.slice(start, end).replace(NOT_A_SIDE, (side) => ' '.repeat(side.length));
  const ordered = [...neighbours].sort((a, b) => a.at - b.at);
  const coordinated = (head: Mention, at: number) => {
    // Overlapping phrases name one thing ("nodular opacities" is a nodule and an opacity).
    const group = [head, ...ordered.filter((m) => m !== head && m.at < head.end && head.at < m.end)];
    for (const next of ordered.filter((m) => m.at > head.at && !group.includes(m))) {
      const last = group.at(-1) as Mention;
      const between = withoutPlace(sentence.slice(last.end, next.at));
      if (next.at < last.end || !COORDINATION.test(between)) break;
      group.push(next);
    }
    const after = at >= head.end;
    for (const previous of ordered.filter((m) => m.at < head.at && !group.includes(m)).reverse()) {
      const first = group.reduce((a, b) => (b.at < a.at ? b : a));
      if (previous.end > first.at) continue;
      const between = sentence.slice(previous.end, first.at);
      if (!ADJECTIVE_GAP.test(between) && !(after && COORDINATION.test(withoutPlace(between)))) break;
      group.push(previous);
    }
    return group;
  };
  const tip = DEVICE_HEADINGS.has(mention.mesh) ? DEVICE_TIP.exec(sentence.slice(mention.end, end)) : null;
  const tipAt = tip === null ? end : mention.end + tip.index;
  const hits = <T>(table: Array<[RegExp, T]>, skipTip: boolean): Hit<T>[] =>
    table.flatMap(([pattern, value]) =>
      matchesOf(pattern, clause)
        .map(([at]) => ({ value, at: start + at }))
        .filter(({ at }) => {
          if (skipTip && at >= tipAt) return false;
          const head = nearest(at, neighbours, sentence);
          return head !== undefined && coordinated(head, at).includes(mention);
        }),
    );
  const firstOfEach = <T>(list: Hit<T>[]) =>
    list.filter((hit, i) => list.findIndex((other) => other.value === hit.value) === i);
  const plural = BOTH_SIDES_FINDINGS.test(sentence.slice(mention.at, mention.end))
    ? [{ value: 'bilateral' as const, at: mention.at }]
    : [];
  const sides = UNSIDED_HEADINGS.has(mention.mesh)
    ? []
    : sidesOf(hits(SIDES, true), [...hits(BOTH_SIDES, true), ...plural]);
  const places = firstOfEach(hits(LOCATIONS, true));
  const severity = hits(SEVERITIES, false)[0]?.value;
  const values = new Set(sides.map((s) => s.value));
  if (values.has('left') && values.has('right') && !values.has('bilateral') && !sidesOfOneNoun(sentence, sides)) {
    const split = placesBySide(sides, places);
    const [left, right] = [split.get('left') ?? [], split.get('right') ?? []];
    return [
      { laterality: 'left', location: left, severity },
      { laterality: 'right', location: right, severity },
    ];
  }
  const laterality = values.has('bilateral') || values.size > 1 ? 'bilateral' : sides[0]?.value;
  return [{ laterality, location: places.map((p) => p.value), severity }];
}

/**
 * The sides a finding is given: the side words attached to it, or both when a plural paired structure is ("in the
 * lung bases") and no side word is ("the right middle and lower lobes" is the right). A comparison ("greater on
 * the right", "right greater than left") says both sides.
 */
function sidesOf(named: Hit<Side>[], plural: Hit<'bilateral' | 'compared'>[]): Hit<Side>[] {
  const compared = plural.filter((hit) => hit.value === 'compared');
  if (compared.length > 0) return compared.map((hit) => ({ at: hit.at, value: 'bilateral' }));
  const sides = named.length > 0 ? named : plural.map((hit) => ({ at: hit.at, value: 'bilateral' as const }));
  return sides.sort((a, b) => a.at - b.at);
}

/** "left and right pleural effusions", "right and left lower lobes": the two sides qualify one noun together. */
function sidesOfOneNoun(sentence: string, sides: Hit<Side>[]): boolean {
  return sides.every((side, i) => {
    const next = sides[i + 1];
    if (next === undefined) return true;
    const between = sentence.slice(side.at, next.at).replace(/^[\w-]+/, '');
    return /^\s*(?:and|or|,|\/|and\/or|,\s*and)?\s*$/.test(between);
  });
}

type Side = 'left' | 'right' | 'bilateral';
interface Hit<T> {
  value: T;
  at: number;
}

type Qualifiers = Pick<MinedFinding, 'laterality' | 'location' | 'severity'>;

/** Each place goes to the side word before it ("left apex and right base"); a side without a place shares the next one's ("left and right lower lobes"). */
function placesBySide(sides: Hit<Side>[], places: Hit<string>[]): Map<string, string[]> {
  const bySide = new Map<string, string[]>();
  const owner = (at: number) => [...sides].reverse().find((s) => s.at <= at) ?? sides[0];
  for (const place of places) {
    const side = owner(place.at)?.value as string;
    bySide.set(side, [...(bySide.get(side) ?? []), place.value]);
  }
  for (const [i, side] of sides.entries()) {
    if (bySide.has(side.value)) continue;
    const next = sides.slice(i + 1).find((s) => bySide.has(s.value));
    if (next !== undefined) bySide.set(side.value, bySide.get(next.value) as string[]);
  }
  return bySide;
}

/** Only modifier words between two findings: the first is an adjective of the second's noun ("calcified right hilar nodule"). */
const ADJECTIVE_GAP =
  /^(?:\s*(?!(?:and|or|with|without|in|of|at|on|to|from|is|are|was|were|the|a|an|which|that|versus|vs|but|no|not|by|for|as|may|likely)\b)[\w-]+){0,4}\s*$/;

/**
 * A place phrase between two findings ("opacity in the left base, likely atelectasis", "opacity lateral right lung,
 * atelectasis versus scarring", "opacities are noted in the lung bases compatible with scarring") does not part them.
 */
const PLACE =
  /^\s*(?:(?:is|are|was|were|predominantly|mainly|mostly|particularly|again|seen|noted|present|projecting|\w+ly)\s+)*(?:(?:in|at|of|within|involving|along|over|overlying|throughout|near|projecting over)\s+)?(?:the\s+)?(?:(?!(?:and|or|with|without|but|no)\b)[\w-]+\s+){0,4}(?:lungs?|bases?|apex|apices|lobes?|zones?|hemithorax|hemithoraces|regions?|fields?|hil(?:um|a)|lingula|sides?|chest|aspects?|periphery|midlung|midlungs|border|segments?|sulcus|angles?)\b/;
function withoutPlace(between: string): string {
  const place = PLACE.exec(between);
  return place === null ? between : between.slice(place[0].length);
}

/**
 * The finding a modifier belongs to: the previous one when the modifier stands in a place phrase after it ("opacities
 * in the right lower lung representing atelectasis"), the next one when nothing but other modifiers stands between
 * them ("right lower lobe atelectasis"), else the previous one ("effusion on the left"), else the next across a
 * conjunction.
 */
function nearest(at: number, mentions: Mention[], sentence: string): Mention | undefined {
  const inside = mentions.find((m) => at >= m.at && at < m.end);
  if (inside !== undefined) return inside;
  const sorted = [...mentions].sort((a, b) => a.at - b.at);
  const next = sorted.find((m) => m.at >= at);
  const previous = [...sorted].reverse().find((m) => m.end <= at);
  if (previous !== undefined && PLACE_OPENER.test(sentence.slice(previous.end, at))) return previous;
  if (next !== undefined && !/\b(?:and|or|with|while)\b|[,.]/.test(sentence.slice(at, next.at))) return next;
  return previous ?? next;
}

/** The start of a place phrase, up to a modifier: "… in the", "… seen at the", "… projecting over the". */
const PLACE_OPENER =
  /^\s*(?:(?:\w+ly|seen|noted|present|projecting|located|again)\s+)*(?:in|at|of|within|involving|along|over|overlying|throughout|near|on)\s+(?:the\s+)?(?:[\w-]+\s+)?$/;

/** A more specific phrase wins over the general one it contains (calcified granuloma over calcinosis and granuloma). */
function subsumed(findings: MinedFinding[]): MinedFinding[] {
  const has = (mesh: string) => findings.some((f) => f.mesh === mesh);
  const dropped = new Set<string>();
  if (has('Calcified Granuloma')) dropped.add('Calcinosis').add('Granuloma');
  if (has('Airspace Disease')) dropped.add('Opacity');
  if (has('Thoracic Vertebrae/degenerative')) dropped.add('Spine/degenerative');
  if (has('Granulomatous Disease')) dropped.add('Granuloma');
  if (has('Bullous Emphysema')) dropped.add('Emphysema');
  if (has('Calcinosis/aorta')) dropped.add('Calcinosis');
  if (has('Aorta, Thoracic/tortuous')) dropped.add('Aorta/tortuous');
  if (has('Cardiac Shadow/enlarged')) dropped.add('Cardiomegaly');
  return findings.filter((f) => !dropped.has(f.mesh));
}

/**
 * Emphysema the report places in the lungs ("emphysematous lungs", "pulmonary emphysema", "the lungs … consistent
 * with emphysema", "bilateral emphysematous changes") is MeSH's Pulmonary Emphysema; emphysema named alone, even beside hyperinflated lungs, stays
 * Emphysema, as OpenI's indexers write it.
 */
function namedByPlace(findings: MinedFinding[]): MinedFinding[] {
  const inTheLungs = (f: MinedFinding) =>
    f.laterality !== undefined || /\b(?:lungs?|pulmonary)\b/.test(f.evidence.replace(OTHER_LUNG_PHRASES, ''));
  return findings.map((f) => (f.mesh === 'Emphysema' && inTheLungs(f) ? { ...f, mesh: 'Pulmonary Emphysema' } : f));
}
/** Lung words that name another disease or a region, not where the emphysema is. */
const OTHER_LUNG_PHRASES =
  /\b(?:(?:chronic )?(?:obstructive )?(?:pulmonary|lung) disease|lung (?:bases?|apices|volumes?))\b/g;

/**
 * A lung finding at the bases or apices with no side named for it anywhere in the report ("basilar atelectasis",
 * "apical scarring") lies at both, as radiologists read it and OpenI's indexers write it (`…/base/bilateral`).
 */
function bothWhenUnsided(findings: MinedFinding[]): MinedFinding[] {
  const sided = new Set(findings.filter((f) => f.laterality !== undefined).map((f) => f.mesh));
  return findings.map((f) =>
    f.laterality === undefined &&
    !sided.has(f.mesh) &&
    !UNSIDED_HEADINGS.has(f.mesh) &&
    f.location.some((place) => place === 'base' || place === 'apex')
      ? { ...f, laterality: 'bilateral' }
      : f,
  );
}

/** A heading read again joins the annotation on its side; a new side is a new annotation. */
function add(findings: MinedFinding[], finding: MinedFinding): void {
  const same = findings.find(
    (f) =>
      f.mesh === finding.mesh &&
      (f.laterality === finding.laterality || f.laterality === undefined || finding.laterality === undefined),
  );
  if (same === undefined) {
    findings.push(finding);
    return;
  }
  same.laterality ??= finding.laterality;
  for (const place of finding.location) if (!same.location.includes(place)) same.location.push(place);
  same.severity ??= finding.severity;
  same.uncertain &&= finding.uncertain;
}

/** `Heading/location…/side/severity`, the order OpenI's indexers use. */
function toMesh(finding: MinedFinding): string {
  const parts = [finding.mesh, ...finding.location.filter((place) => !finding.mesh.endsWith(`/${place}`))];
  if (finding.laterality !== undefined) parts.push(finding.laterality);
  if (finding.severity !== undefined) parts.push(finding.severity);
  return parts.join('/');
}
