import type { CalibrationReport, FindingReport } from '../cascade.js';
import { axesSvg, fractionLabel, frame, legendHtml, scaleX, scaleY } from './chart.js';
import { COLOURS, escapeHtml } from './html.js';
import { TINY_TEST_SET } from './report-warnings.js';

/**
 * The final iteration's per-finding head on the test split, in the form of CheXNet's table (AUROC with a
 * patient-level bootstrap 95% interval, positives and negatives), and its ROC curves.
 */
export function findingsSection(findings: FindingReport[] | undefined): string {
  if (findings === undefined || findings.length === 0) {
    return '<p>This bundle has no per-finding head (trained before it existed, or no finding had enough images).</p>';
  }
  const rows = findings.map(
    (f, k) =>
      `<tr><td><span style="color:${COLOURS[k % COLOURS.length]}">■</span> ${escapeHtml(f.finding)}</td><td>${f.auroc.toFixed(3)}</td><td>${f.low.toFixed(3)} – ${f.high.toFixed(3)}</td><td>${f.positives}</td><td>${f.negatives}</td><td class="warn">${f.positives < TINY_TEST_SET ? `fewer than ${TINY_TEST_SET} positives: unreliable` : ''}</td></tr>`,
  );
  return `<table><tr><th>finding</th><th>AUROC</th><th>95% CI (bootstrap by patient)</th><th>positives</th><th>negatives</th><th></th></tr>${rows.join('')}</table>
<figure>${rocChart(findings)}<figcaption>ROC curves of the finding head on the test split (colours as in the table; the diagonal is chance)</figcaption></figure>`;
}

/** ROC curves of the head's findings on a 0…1 square, ticked and titled, with a legend naming each curve's AUROC. */
function rocChart(findings: FindingReport[]): string {
  const f = { ...frame(340, 340), right: 14 };
  const x = scaleX(f, 0, 1);
  const y = scaleY(f, 0, 1);
  const curves = findings.map((finding, k) => {
    const d = finding.roc
      .map(([fpr, tpr], i) => `${i === 0 ? 'M' : 'L'}${x(fpr).toFixed(1)},${y(tpr).toFixed(1)}`)
      .join(' ');
    return `<path d="${d}" fill="none" stroke="${COLOURS[k % COLOURS.length]}" stroke-width="2"><title>${escapeHtml(finding.finding)}: AUROC ${finding.auroc.toFixed(3)}</title></path>`;
  });
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const axes = axesSvg(f, {
    x: ticks.map((t) => ({ at: x(t), label: fractionLabel(t) })),
    y: ticks.map((t) => ({ at: y(t), label: fractionLabel(t) })),
    xTitle: 'false-positive rate (1 − specificity)',
    yTitle: 'true-positive rate (sensitivity)',
  });
  const legend = legendHtml([
    ...findings.map((finding, k) => ({
      name: `${finding.finding}: AUROC ${finding.auroc.toFixed(3)} (${finding.positives} ${finding.positives === 1 ? 'positive' : 'positives'})`,
      colour: COLOURS[k % COLOURS.length],
    })),
    { name: 'chance (AUROC 0.5)', colour: '#8a939e', dashed: true },
  ]);
  return `<svg width="${f.width}" height="${f.height}" role="img" aria-label="ROC curves per finding">
${axes}
<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#8a939e" stroke-dasharray="4 4"/>
${curves.join('\n')}</svg>${legend}`;
}

/** Expected calibration error (10 bins) on the test split per iteration, before and after the validation fit. */
export function calibrationSection(iterations: Array<{ iteration: number; calibration?: CalibrationReport }>): string {
  const rows = iterations.flatMap(({ iteration, calibration: c }) =>
    c === undefined
      ? []
      : [
          `<tr><td>${iteration}</td><td>${c.classTemperature.toFixed(2)}</td><td>${c.classEce.before.toFixed(3)}</td><td>${c.classEce.after.toFixed(3)}</td><td>${c.findingEce?.before.toFixed(3) ?? '—'}</td><td>${c.findingEce?.after.toFixed(3) ?? '—'}</td></tr>`,
        ],
  );
  if (rows.length === 0) return '<p>This bundle was trained before calibration existed.</p>';
  return `<table><tr><th>iteration</th><th>class temperature</th><th>class ECE before</th><th>after</th><th>finding ECE before</th><th>after</th></tr>${rows.join('')}</table>`;
}
