import type { IterationReport } from '../cascade.js';
import type { BundleManifest } from './format.js';
import { COLOURS, escapeHtml } from './html.js';
import { calibrationSection, findingsSection } from './report-findings.js';

/** An iteration's metrics as a bundle stores them: the report without per-epoch stats, plus the loss series. */
export type StoredIteration = Omit<IterationReport, 'cnnHistory' | 'rnnHistory'> & {
  cnnLoss: number[];
  rnnLoss: number[];
};

/**
 * The training report of a bundle as one self-contained HTML page (inline SVG, no scripts, no CDN): per-iteration
 * metrics, CNN and RNN loss curves, BLEU-1…4 per iteration, the finding head's AUROC table and ROC curves,
 * calibration, per-class AUROC, and the confusion matrices.
 */
export function trainingReportHtml(manifest: BundleManifest): string {
  const iterations = manifest.metrics as StoredIteration[];
  const options = manifest.options as { cnn?: { architecture?: string; inputSize?: number }; iterations?: number };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>cxr-search training report</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1d232b; max-width: 1100px; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }
td, th { border: 1px solid #d9dee4; padding: 0.25rem 0.5rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.matrix td { min-width: 2rem; text-align: center; }
figure { display: inline-block; margin: 0 1.5rem 1rem 0; } figcaption { font-size: 0.85rem; color: #5b6572; }
</style></head><body>
<h1>Training report</h1>
<p>Bundle ${escapeHtml(manifest.contentHash.slice(0, 12))}, created ${escapeHtml(manifest.created)}: ${escapeHtml(options.cnn?.architecture ?? 'nin')} CNN at
${options.cnn?.inputSize ?? '?'}², ${iterations.length} iteration(s), ${manifest.baseClasses.length} mined classes, ${manifest.finalClasses.length} final classes.</p>
<h2>Per iteration (held-out test split)</h2>
${metricsTable(iterations)}
<h2>Loss</h2>
<figure>${lineChart(
    iterations.map((it) => it.cnnLoss),
    'CNN epoch',
  )}<figcaption>CNN loss per epoch (one line per iteration)</figcaption></figure>
<figure>${lineChart(
    iterations.map((it) => it.rnnLoss),
    'RNN epoch',
  )}<figcaption>RNN loss per epoch (one line per iteration)</figcaption></figure>
<h2>BLEU per iteration</h2>
<figure>${bleuChart(iterations)}<figcaption>BLEU-1…4 of the generated annotations, per iteration</figcaption></figure>
<h2>Per-finding head (final iteration, test split)</h2>
${findingsSection(iterations.at(-1)?.findings)}
<h2>Calibration (test split; fitted on the validation split)</h2>
${calibrationSection(iterations)}
<h2>AUROC per mined class</h2>
${aurocTable(iterations, manifest.baseClasses)}
<h2>Confusion matrices (rows: truth, columns: predicted)</h2>
${iterations.map((it) => `<h3>Iteration ${it.iteration}</h3>${confusionTable(it.confusion ?? [], manifest.baseClasses)}`).join('\n')}
</body></html>
`;
}

function metricsTable(iterations: StoredIteration[]): string {
  const percent = (value: number | undefined) => (value === undefined ? '—' : value.toFixed(3));
  const rows = iterations.map((it) => {
    const aurocs = Object.values(it.auroc);
    const mean = aurocs.reduce((a, b) => a + b, 0) / Math.max(1, aurocs.length);
    const a = it.annotation;
    return `<tr><td>${it.iteration}</td><td>${it.classes.length}</td><td>${percent(it.classAccuracy)}</td><td>${percent(mean)}</td><td>${percent(a.bleu1)}</td><td>${percent(a.bleu2)}</td><td>${percent(a.bleu3)}</td><td>${percent(a.bleu4)}</td><td>${percent(a.sideAccuracy)}</td><td>${percent(a.locationAccuracy)}</td><td>${percent(a.severityAccuracy)}</td></tr>`;
  });
  return `<table><tr><th>iteration</th><th>classes</th><th>accuracy</th><th>mean AUROC</th><th>BLEU-1</th><th>BLEU-2</th><th>BLEU-3</th><th>BLEU-4</th><th>side</th><th>location</th><th>severity</th></tr>${rows.join('')}</table>`;
}

function aurocTable(iterations: StoredIteration[], classes: string[]): string {
  const header = iterations.map((it) => `<th>iteration ${it.iteration}</th>`).join('');
  const rows = classes.map(
    (name) =>
      `<tr><td>${escapeHtml(name)}</td>${iterations.map((it) => `<td>${it.auroc[name]?.toFixed(3) ?? '—'}</td>`).join('')}</tr>`,
  );
  return `<table><tr><th>class</th>${header}</tr>${rows.join('')}</table>`;
}

function confusionTable(matrix: number[][], classes: string[]): string {
  // Not Math.max(...matrix.flat()): 387 classes (MIMIC-CXR at --min-cases 30) are 150k arguments, past the stack.
  const max = matrix.reduce((top, row) => row.reduce((a, n) => Math.max(a, n), top), 1);
  const head = classes.map((_, c) => `<th title="${escapeHtml(classes[c] as string)}">${c}</th>`).join('');
  const rows = matrix.map((row, t) => {
    const cells = row.map((n, p) => {
      const strength = n / max;
      const colour = t === p ? `rgba(43,138,62,${strength})` : `rgba(201,42,42,${strength})`;
      return `<td style="background:${colour}">${n || ''}</td>`;
    });
    return `<tr><td>${t} ${escapeHtml(classes[t] as string)}</td>${cells.join('')}</tr>`;
  });
  return `<table class="matrix"><tr><th></th>${head}</tr>${rows.join('')}</table>`;
}

function lineChart(series: number[][], xLabel: string): string {
  const width = 420;
  const height = 220;
  const pad = 36;
  const longest = Math.max(2, ...series.map((s) => s.length));
  const top = Math.max(1e-9, ...series.flat());
  const x = (i: number) => pad + ((width - 2 * pad) * i) / (longest - 1);
  const y = (v: number) => height - pad - ((height - 2 * pad) * v) / top;
  const lines = series.map((values, s) => {
    const points = values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    return `<polyline fill="none" stroke="${COLOURS[s % COLOURS.length]}" stroke-width="2" points="${points}"><title>iteration ${s}</title></polyline>`;
  });
  return `<svg width="${width}" height="${height}" role="img" aria-label="loss per ${xLabel}">
<line x1="${pad}" y1="${height - pad}" x2="${width - pad}" y2="${height - pad}" stroke="#888"/><line x1="${pad}" y1="${pad}" x2="${pad}" y2="${height - pad}" stroke="#888"/>
<text x="${pad}" y="${pad - 8}" font-size="11">${top.toFixed(2)}</text><text x="${width - pad}" y="${height - 10}" font-size="11" text-anchor="end">${xLabel} ${longest}</text>
${lines.join('\n')}</svg>`;
}

function bleuChart(iterations: StoredIteration[]): string {
  const width = 420;
  const height = 220;
  const pad = 36;
  const groups = [1, 2, 3, 4];
  const bar = (width - 2 * pad) / (groups.length * (iterations.length + 1));
  const bars = groups.flatMap((n, g) =>
    iterations.map((it, s) => {
      const value = it.annotation[`bleu${n}` as 'bleu1'] ?? 0;
      const h = (height - 2 * pad) * value;
      const left = pad + (g * (iterations.length + 1) + s) * bar;
      return `<rect x="${left.toFixed(1)}" y="${(height - pad - h).toFixed(1)}" width="${(bar - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${COLOURS[s % COLOURS.length]}"><title>BLEU-${n}, iteration ${it.iteration}: ${value.toFixed(3)}</title></rect>`;
    }),
  );
  const labels = groups.map(
    (n, g) =>
      `<text x="${(pad + (g * (iterations.length + 1) + iterations.length / 2) * bar).toFixed(1)}" y="${height - pad + 14}" font-size="11" text-anchor="middle">BLEU-${n}</text>`,
  );
  return `<svg width="${width}" height="${height}" role="img" aria-label="BLEU per iteration">
<line x1="${pad}" y1="${height - pad}" x2="${width - pad}" y2="${height - pad}" stroke="#888"/><text x="${pad - 4}" y="${pad + 4}" font-size="11" text-anchor="end">1.0</text>
${bars.join('\n')}${labels.join('')}</svg>`;
}
