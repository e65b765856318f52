import type { ReportSections } from '../../datasets/record.js';
import { parseMesh } from '../mesh.js';
import { NORMAL } from '../vocabulary/qualifiers.js';
import { mineReport } from './miner.js';

export interface LabelledReport {
  id: string;
  report: ReportSections;
  /** The report's MeSH/major strings. */
  gold: string[];
}

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

export interface HeadingScore extends Counts {
  heading: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface MinerEvaluation {
  /** Reports scored: those the indexer indexed (not `No Indexing` alone). */
  reports: number;
  /** Reports left out because their only annotation is `No Indexing`. */
  unindexed: number;
  headings: { microF1: number; macroF1: number; precision: number; recall: number };
  headingSide: { f1: number } & Counts;
  /**
   * (heading, side) on the headings both the truth (with a side) and the miner give: how well sides are read once
   * the finding is found. `headingSide` also counts a missed heading's side as missed, so it mixes heading recall in.
   */
  sideWhereFound: { f1: number } & Counts;
  headingSeverity: { f1: number } & Counts;
  normalAccuracy: number;
  perHeading: HeadingScore[];
  /** Headings missed in a report beside headings wrongly given in the same report, most frequent first. */
  confusions: Confusion[];
  reportsPerSecond: number;
}

export interface Confusion {
  /** The heading the truth has and the miner missed, or `(none)`. */
  missed: string;
  /** The heading the miner gave and the truth lacks, or `(none)`. */
  given: string;
  reports: number;
}

/** `No Indexing` says the indexer skipped the report; nothing in the text can predict it, so it is not scored. */
const UNSCORED = new Set(['no indexing']);

/**
 * Mined annotations against each report's `MeSH/major`: headings (first piece, `normal` included) as sets per
 * report, micro and macro F1; (heading, side) and (heading, severity) pairs where the truth states them;
 * normal-vs-abnormal accuracy; and the confusions (a heading missed beside one wrongly given). A report whose only
 * annotation is `No Indexing` was skipped by its indexer and is not scored.
 */
export function evaluateMiner(all: LabelledReport[]): MinerEvaluation {
  const reports = all.filter((r) => r.gold.some((g) => !UNSCORED.has(parseMesh(g).heading)));
  const perHeading = new Map<string, Counts>();
  const confusions = new Map<string, number>();
  const side: Counts = { tp: 0, fp: 0, fn: 0 };
  const sideWhereFound: Counts = { tp: 0, fp: 0, fn: 0 };
  const severity: Counts = { tp: 0, fp: 0, fn: 0 };
  let normalCorrect = 0;
  const started = performance.now();
  const mined = reports.map((r) => mineReport(r.report));
  const seconds = (performance.now() - started) / 1000;
  reports.forEach((labelled, i) => {
    const gold = labelled.gold.map(parseMesh).filter((p) => !UNSCORED.has(p.heading));
    const predicted = (mined[i]?.mesh ?? []).map(parseMesh);
    const goldHeadings = new Set(gold.map((p) => p.heading));
    const predictedHeadings = new Set(predicted.map((p) => p.heading));
    for (const heading of new Set([...goldHeadings, ...predictedHeadings])) {
      const counts = perHeading.get(heading) ?? { tp: 0, fp: 0, fn: 0 };
      if (goldHeadings.has(heading) && predictedHeadings.has(heading)) counts.tp++;
      else if (predictedHeadings.has(heading)) counts.fp++;
      else counts.fn++;
      perHeading.set(heading, counts);
    }
    const missed = [...goldHeadings].filter((h) => !predictedHeadings.has(h));
    const given = [...predictedHeadings].filter((h) => !goldHeadings.has(h));
    for (const m of missed.length > 0 ? missed : ['(none)'])
      for (const g of given.length > 0 ? given : ['(none)'])
        if (m !== g) confusions.set(`${m}\t${g}`, (confusions.get(`${m}\t${g}`) ?? 0) + 1);
    comparePairs(gold, predicted, (p) => p.laterality, side);
    const found = (p: ReturnType<typeof parseMesh>) => goldHeadings.has(p.heading) && predictedHeadings.has(p.heading);
    comparePairs(gold.filter(found), predicted.filter(found), (p) => p.laterality, sideWhereFound);
    comparePairs(gold, predicted, (p) => p.severity, severity);
    const goldNormal = !gold.some((p) => p.heading !== NORMAL && p.isFinding);
    if (goldNormal === (mined[i]?.normal ?? true)) normalCorrect++;
  });
  const total = [...perHeading.values()].reduce(
    (sum, c) => ({ tp: sum.tp + c.tp, fp: sum.fp + c.fp, fn: sum.fn + c.fn }),
    { tp: 0, fp: 0, fn: 0 },
  );
  const scores = [...perHeading].map(([heading, c]) => ({ heading, ...c, ...prf(c), support: c.tp + c.fn }));
  scores.sort((a, b) => b.support - a.support || a.heading.localeCompare(b.heading));
  const supported = scores.filter((s) => s.support > 0);
  const micro = prf(total);
  return {
    reports: reports.length,
    unindexed: all.length - reports.length,
    headings: {
      microF1: micro.f1,
      macroF1: supported.reduce((sum, s) => sum + s.f1, 0) / Math.max(1, supported.length),
      precision: micro.precision,
      recall: micro.recall,
    },
    headingSide: { ...side, f1: prf(side).f1 },
    sideWhereFound: { ...sideWhereFound, f1: prf(sideWhereFound).f1 },
    headingSeverity: { ...severity, f1: prf(severity).f1 },
    normalAccuracy: normalCorrect / Math.max(1, reports.length),
    perHeading: scores,
    confusions: [...confusions]
      .map(([pair, count]) => {
        const [missed, given] = pair.split('\t') as [string, string];
        return { missed, given, reports: count };
      })
      .sort((a, b) => b.reports - a.reports || a.missed.localeCompare(b.missed) || a.given.localeCompare(b.given)),
    reportsPerSecond: reports.length / Math.max(seconds, 1e-9),
  };
}

/** (heading, value) pairs where the truth states a value: a predicted pair on a heading the truth has is scored. */
function comparePairs(
  gold: ReturnType<typeof parseMesh>[],
  predicted: ReturnType<typeof parseMesh>[],
  value: (p: ReturnType<typeof parseMesh>) => string | undefined,
  counts: Counts,
): void {
  const pairs = (list: ReturnType<typeof parseMesh>[]) =>
    new Set(list.filter((p) => value(p) !== undefined).map((p) => `${p.heading}|${value(p)}`));
  const goldPairs = pairs(gold);
  const goldHeadings = new Set(gold.filter((p) => value(p) !== undefined).map((p) => p.heading));
  const predictedPairs = new Set(
    [...pairs(predicted)].filter((pair) => goldHeadings.has(pair.split('|')[0] as string)),
  );
  for (const pair of predictedPairs) goldPairs.has(pair) ? counts.tp++ : counts.fp++;
  for (const pair of goldPairs) if (!predictedPairs.has(pair)) counts.fn++;
}

function prf(c: Counts): { precision: number; recall: number; f1: number } {
  const precision = c.tp + c.fp === 0 ? 0 : c.tp / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? 0 : c.tp / (c.tp + c.fn);
  return { precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall) };
}
