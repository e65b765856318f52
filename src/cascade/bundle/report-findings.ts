import type { CalibrationReport, FindingReport } from '../cascade.js';
import { COLOURS, escapeHtml } from './html.js';

/** Small test sets make AUROC jump: below this many positives the report says the figure is unreliable. */
const FEW_POSITIVES = 20;

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
      `<tr><td><span style="color:${COLOURS[k % COLOURS.length]}">■</span> ${escapeHtml(f.finding)}</td><td>${f.auroc.toFixed(3)}</td><td>${f.low.toFixed(3)} – ${f.high.toFixed(3)}</td><td>${f.positives}</td><td>${f.negatives}</td><td>${f.positives < FEW_POSITIVES ? `fewer than ${FEW_POSITIVES} positives: unreliable` : ''}</td></tr>`,
  );
  return `<table><tr><th>finding</th><th>AUROC</th><th>95% CI (bootstrap by patient)</th><th>positives</th><th>negatives</th><th></th></tr>${rows.join('')}</table>
<figure>${rocChart(findings)}<figcaption>ROC curves of the finding head on the test split (colours as in the table; the diagonal is chance)</figcaption></figure>`;
}

function rocChart(findings: FindingReport[]): string {
  const size = 300;
  const pad = 40;
  const x = (fpr: number) => pad + (size - 2 * pad) * fpr;
  const y = (tpr: number) => size - pad - (size - 2 * pad) * tpr;
  const curves = findings.map((f, k) => {
    const d = f.roc.map(([fpr, tpr], i) => `${i === 0 ? 'M' : 'L'}${x(fpr).toFixed(1)},${y(tpr).toFixed(1)}`).join(' ');
    return `<path d="${d}" fill="none" stroke="${COLOURS[k % COLOURS.length]}" stroke-width="2"><title>${escapeHtml(f.finding)}: AUROC ${f.auroc.toFixed(3)}</title></path>`;
  });
  const ticks = [0, 0.5, 1]
    .map(
      (t) =>
        `<text x="${x(t)}" y="${size - pad + 14}" font-size="11" text-anchor="middle">${t}</text><text x="${pad - 6}" y="${y(t) + 4}" font-size="11" text-anchor="end">${t}</text>`,
    )
    .join('');
  return `<svg width="${size}" height="${size}" role="img" aria-label="ROC curves per finding">
<path d="M${pad},${pad} H${size - pad} V${size - pad} H${pad} Z" fill="none" stroke="#888"/>
<path d="M${x(0)},${y(0)} L${x(1)},${y(1)}" stroke="#bbb" stroke-dasharray="4 4"/>${ticks}
<text x="${size / 2}" y="${size - 6}" font-size="11" text-anchor="middle">false-positive rate</text>
<text x="12" y="${size / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 12 ${size / 2})">true-positive rate</text>
${curves.join('\n')}</svg>`;
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
