import type { ReportSections } from '../datasets/record.js';
import type { Catalog, ReportFinding } from '../store/catalog.js';
import { mineReport } from './reports/miner.js';

/**
 * What the miner reads in a report's FINDINGS and IMPRESSION: its findings, or `normal` when it reads none. A
 * report without either section says nothing the miner can read (an indication alone is not a normal study): [].
 */
export function reportFindingsOf(report: ReportSections | undefined): ReportFinding[] {
  const hasText = [report?.findings, report?.impression].some((part) => part !== undefined && part.trim() !== '');
  if (report === undefined || !hasText) return [];
  const mined = mineReport(report);
  if (mined.findings.length === 0) return [{ raw: 'normal', hedged: false }];
  return mined.findings.map((finding, i) => ({
    raw: mined.mesh[i] as string,
    hedged: finding.uncertain,
    ...(finding.evidence === '' ? {} : { evidence: finding.evidence }),
  }));
}

export interface RemineSummary {
  /** Studies with a report and no stated annotation: each was read again. */
  reports: number;
  /** Of those, the studies whose findings differ from what was stored. */
  changed: number;
  /** Report findings stored now (over those studies). */
  findings: number;
}

/**
 * Reads every report of studies without stated annotations again with the current miner and replaces their report
 * findings, in one transaction: after a miner change the catalog holds what the miner reads now. Running it again
 * changes nothing (`changed: 0`).
 */
export function remineReports(catalog: Catalog, dataset?: string): RemineSummary {
  const summary: RemineSummary = { reports: 0, changed: 0, findings: 0 };
  catalog.transaction(() => {
    for (const study of catalog.reportsToMine(dataset)) {
      const findings = reportFindingsOf(study.report);
      const before = catalog.reportFindings(study.studyId);
      summary.reports++;
      summary.findings += findings.length;
      if (JSON.stringify(before) === JSON.stringify(findings)) continue;
      summary.changed++;
      catalog.writeReportFindings(study.studyId, findings);
    }
  });
  return summary;
}
