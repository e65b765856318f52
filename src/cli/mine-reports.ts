import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';
import { evaluateMiner, type LabelledReport, type MinerEvaluation } from '../labels/reports/evaluate.js';
import { mineReport } from '../labels/reports/miner.js';
import { readReports } from '../labels/reports/sources.js';
import { createProgress } from './progress.js';
import { choiceOption } from './shared-options.js';

/** `cxr mine-reports` (annotations from free text) and `cxr eval-miner` (against MeSH/major). */
export function registerReportMiningCommands(program: Command): void {
  program
    .command('mine-reports')
    .description('Mine MeSH-style annotations (disease, side, location, severity) from free-text reports')
    .requiredOption('--reports <dir|csv>', 'an OpenI XML folder or a CSV (id + findings/impression, or report/text)')
    .option('--out <file.jsonl>', 'write one JSON line per report here (default: stdout)')
    .action(async (options: { reports: string; out?: string }) => {
      const out = options.out === undefined ? process.stdout : createWriteStream(options.out);
      const progress = createProgress('mine-reports', 'reports', options.out === undefined);
      let count = 0;
      let skipped = 0;
      for await (const event of readReports(options.reports)) {
        if ('skipped' in event) {
          skipped++;
          process.stderr.write(`skipped ${event.skipped.code} ${event.skipped.item}: ${event.skipped.message}\n`);
          continue;
        }
        const mined = mineReport(event.report.report);
        out.write(
          `${JSON.stringify({ id: event.report.id, normal: mined.normal, mesh: mined.mesh, findings: mined.findings })}\n`,
        );
        progress.update(++count);
      }
      progress.stop();
      if (out !== process.stdout) await new Promise<void>((done) => (out as NodeJS.WritableStream).end(() => done()));
      process.stderr.write(
        `${count} reports mined${skipped > 0 ? `, ${skipped} skipped` : ''}${options.out ? ` into ${options.out}` : ''}\n`,
      );
    });

  program
    .command('eval-miner')
    .description("Compare mined annotations with each report's MeSH/major annotation")
    .requiredOption('--reports <dir|csv>', 'reports with their MeSH annotation (OpenI XML, or the Indiana CSV)')
    .option('--json', 'machine-readable metrics on stdout')
    .option('--ids <half>', 'score only reports with even or odd numeric ids (to check rules on two halves)')
    .action(async (options: { reports: string; json?: boolean; ids?: string }) => {
      const half = options.ids === undefined ? undefined : choiceOption('ids', options.ids, HALVES);
      const labelled: LabelledReport[] = [];
      for await (const event of readReports(options.reports)) {
        if ('report' in event && event.report.gold !== undefined && inHalf(event.report.id, half))
          labelled.push({ id: event.report.id, report: event.report.report, gold: event.report.gold });
      }
      const evaluation = evaluateMiner(labelled);
      if (options.json) console.log(JSON.stringify(evaluation, null, 2));
      else printEvaluation(evaluation);
    });
}

const HALVES = ['even', 'odd'] as const;

/** Even or odd by the id's last digits (`CXR1234` → 1234); ids without digits fall in neither half. */
function inHalf(id: string, half: (typeof HALVES)[number] | undefined): boolean {
  if (half === undefined) return true;
  const digits = /(\d+)\D*$/.exec(id)?.[1];
  return digits !== undefined && Number(digits.slice(-6)) % 2 === (half === 'even' ? 0 : 1);
}

function printEvaluation(e: MinerEvaluation): void {
  const f = (x: number) => x.toFixed(3);
  console.log(
    `${e.reports} reports scored (${e.unindexed} with only "No Indexing" left out), ${e.reportsPerSecond.toFixed(0)} reports/s`,
  );
  console.log(
    `headings: micro-F1 ${f(e.headings.microF1)} (precision ${f(e.headings.precision)}, recall ${f(e.headings.recall)}), macro-F1 ${f(e.headings.macroF1)}`,
  );
  console.log(
    `(heading, side) F1 ${f(e.headingSide.f1)}; (heading, severity) F1 ${f(e.headingSeverity.f1)}; normal-vs-abnormal accuracy ${f(e.normalAccuracy)}`,
  );
  console.log('\nheading                                     support     tp     fp     fn  precision  recall     F1');
  for (const h of e.perHeading.filter((row) => row.support > 0)) {
    console.log(
      `${h.heading.slice(0, 42).padEnd(42)} ${String(h.support).padStart(8)} ${String(h.tp).padStart(6)} ${String(h.fp).padStart(6)} ${String(h.fn).padStart(6)}  ${f(h.precision).padStart(9)} ${f(h.recall).padStart(7)} ${f(h.f1).padStart(6)}`,
    );
  }
  console.log('\nconfusions (missed in a report / given instead in the same report; (none): missed or given alone)');
  for (const c of e.confusions.slice(0, 25)) {
    console.log(`${String(c.reports).padStart(5)}  ${c.missed.slice(0, 40).padEnd(40)}  ${c.given.slice(0, 40)}`);
  }
}
