import { existsSync, statSync } from 'node:fs';
import { readCsv } from '../../datasets/csv.js';
import { openiImporter } from '../../datasets/openi.js';
import type { ReportSections, SkippedItem } from '../../datasets/record.js';
import { cxrError } from '../../errors.js';

export interface SourceReport {
  id: string;
  report: ReportSections;
  /** The report's MeSH annotation, when the source has one (OpenI XML, the Indiana CSV's `MeSH`). */
  gold?: string[];
}

export type SourceEvent = { report: SourceReport } | { skipped: SkippedItem };

/**
 * Reports to mine: an OpenI folder of eCitation XML, or a CSV with an id column (`id`, `uid`, `study_id`) and the
 * text as `findings`/`impression` or as one `report`/`text` column (MIMIC's free text, hospital exports).
 */
export async function* readReports(path: string): AsyncIterable<SourceEvent> {
  if (!existsSync(path)) throw cxrError('DATASET_NOT_FOUND', `no reports at ${path}`, { path });
  if (statSync(path).isDirectory()) {
    for await (const event of openiImporter.read({ reports: path })) {
      if ('skipped' in event) yield event;
      else
        yield {
          report: {
            id: event.record.sourceId,
            report: event.record.report ?? {},
            gold: event.record.annotations.map((a) => a.raw),
          },
        };
    }
    return;
  }
  let line = 0;
  for await (const event of readCsv(path)) {
    if ('skipped' in event) {
      yield event;
      continue;
    }
    line++;
    const row = event.row;
    const text = row.report ?? row.text;
    const report: ReportSections =
      text !== undefined
        ? { findings: text }
        : { findings: row.findings || undefined, impression: row.impression || undefined };
    if (
      report.findings === undefined &&
      report.impression === undefined &&
      text === undefined &&
      !('findings' in row)
    ) {
      throw cxrError('CSV_HEADER', `${path} has no report text column (findings/impression, report or text)`, { path });
    }
    const gold = row.MeSH?.split(';')
      .map((m) => m.trim())
      .filter(Boolean);
    yield { report: { id: row.id ?? row.uid ?? row.study_id ?? String(line), report, gold } };
  }
}
