/** The benchmark's tables (Markdown). */
import type { BootstrapInterval } from '../../src/cascade/evaluation/bootstrap.js';
import type { LabelledImage } from './dataset.js';
import type { ScorerReport } from './metrics.js';
import { findingLabel } from './scores.js';

const fixed = (value: number, digits = 3) => (Number.isNaN(value) ? '—' : value.toFixed(digits));
const signed = (value: number) => (value >= 0 ? `+${fixed(value)}` : fixed(value));

function interval(value: BootstrapInterval, format: (v: number) => string = fixed): string {
  return `${format(value.estimate)} [${format(value.low)}, ${format(value.high)}]`;
}

/** One row per scorer: AUROC with its interval, the paired difference to the baseline, ECE, P@10, training time. */
export function scorerTable(reports: ScorerReport[]): string {
  const used = reports[0]?.pneumoniaAuroc;
  const lines = [
    '| scorer | AUROC Pneumonia vs No Finding [95% CI] | Δ AUROC vs pixels [95% CI] | ECE (10 bins) | image P@10 | training s (wall / CPU) |',
    '|---|---|---|---|---|---|',
    ...reports.map(
      (r) =>
        `| ${r.name} | ${interval(r.pneumoniaAuroc)} | ${r.versusBaseline === undefined ? '(baseline)' : interval(r.versusBaseline, signed)} | ` +
        `${fixed(r.calibrationError)} | ${fixed(r.neighbourPrecision, 2)} | ${r.trainingSeconds.toFixed(0)} / ${r.trainingCpuSeconds.toFixed(0)} |`,
    ),
  ];
  if (used !== undefined) {
    lines.push(
      '',
      `Intervals: percentile bootstrap by patient, ${used.used} resamples used (${used.skipped} with one class only skipped).`,
    );
  }
  return lines.join('\n');
}

/** One row per finding any scorer scores: test positives / negatives and each scorer's AUROC. */
export function findingTable(reports: ScorerReport[], test: LabelledImage[]): string {
  const findings = [...new Set(reports.flatMap((r) => Object.keys(r.findingAuroc)))].sort();
  const count = (finding: string) => test.filter((image) => findingLabel(image, finding) === 1).length;
  return [
    `| finding | test + / − | ${reports.map((r) => r.name).join(' | ')} |`,
    `|---|---|${reports.map(() => '---|').join('')}`,
    ...findings
      .sort((a, b) => count(b) - count(a))
      .map(
        (finding) =>
          `| ${finding} | ${count(finding)} / ${test.length - count(finding)} | ` +
          `${reports.map((r) => fixed(r.findingAuroc[finding] ?? Number.NaN)).join(' | ')} |`,
      ),
  ].join('\n');
}
