import type { IterationReport } from '../cascade.js';
import { axesSvg, countTicks, fractionLabel, frame, legendHtml, niceTicks, scaleX, scaleY } from './chart.js';
import type { BundleManifest } from './format.js';
import { COLOURS, escapeHtml } from './html.js';
import { calibrationSection, findingsSection } from './report-findings.js';
import { collapsedClasses, positivesByClass, TINY_TEST_SET, warningsSection } from './report-warnings.js';

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
figure { display: inline-block; vertical-align: top; margin: 0 1.5rem 1rem 0; max-width: 480px; } figcaption { font-size: 0.85rem; color: #505a66; }
svg text { fill: #1d232b; } .legend { list-style: none; padding: 0; margin: 0.3rem 0; font-size: 0.85rem; display: flex; flex-wrap: wrap; gap: 0.2rem 1rem; }
.legend .swatch { display: inline-block; width: 1.2rem; height: 0.6rem; margin-right: 0.35rem; vertical-align: middle; }
.warnings { border: 1px solid #a3001b; background: #fdecee; border-radius: 6px; padding: 0.2rem 1rem; margin: 1rem 0; }
.warnings h2 { color: #a3001b; margin: 0.6rem 0 0.3rem; } td.warn { color: #a3001b; font-weight: 600; text-align: left; }
.matrix th.predicted { writing-mode: vertical-rl; transform: rotate(180deg); font-weight: normal; white-space: nowrap; padding: 0.4rem 0.2rem; text-align: left; }
.matrix th.collapsed, .matrix td.collapsed { outline: 2px solid #a3001b; }
</style></head><body>
<h1>Training report</h1>
<p>Bundle ${escapeHtml(manifest.contentHash.slice(0, 12))}, created ${escapeHtml(manifest.created)}: ${escapeHtml(options.cnn?.architecture ?? 'nin')} CNN at
${options.cnn?.inputSize ?? '?'}², ${iterations.length} iteration(s), ${manifest.baseClasses.length} mined classes, ${manifest.finalClasses.length} final classes.</p>
${warningsSection(iterations, manifest.baseClasses)}
<h2>Per iteration (held-out test split)</h2>
${metricsTable(iterations)}
<h2>Loss</h2>
<figure>${lineChart(
    iterations.map((it) => it.cnnLoss),
    'CNN',
    'loss (cross-entropy, nats)',
  )}<figcaption>CNN training loss per epoch: the class head's cross-entropy, plus the finding head's and weight decay where trained (one line per iteration)</figcaption></figure>
<figure>${lineChart(
    iterations.map((it) => it.rnnLoss),
    'RNN',
    'loss (nats per word)',
  )}<figcaption>RNN training loss per epoch: cross-entropy per annotation word (one line per iteration)</figcaption></figure>
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

/** One-vs-rest AUROC per mined class and iteration, beside the test images it rests on (flagged when tiny). */
function aurocTable(iterations: StoredIteration[], classes: string[]): string {
  const header = iterations.map((it) => `<th>iteration ${it.iteration}</th>`).join('');
  const positives = positivesByClass(iterations.at(-1)?.confusion ?? [], classes);
  const rows = classes.map((name) => {
    const n = positives.get(name) ?? 0;
    const warn = n < TINY_TEST_SET ? `fewer than ${TINY_TEST_SET} positives: unreliable` : '';
    return `<tr><td>${escapeHtml(name)}</td>${iterations.map((it) => `<td>${it.auroc[name]?.toFixed(3) ?? '—'}</td>`).join('')}<td>${n}</td><td class="warn">${warn}</td></tr>`;
  });
  return `<table><tr><th>class</th>${header}<th>test positives</th><th></th></tr>${rows.join('')}</table>`;
}

/** Test images by true class (rows) and predicted class (named columns), with totals; a never-predicted class marked. */
function confusionTable(matrix: number[][], classes: string[]): string {
  // Not Math.max(...matrix.flat()): 387 classes (MIMIC-CXR at --min-cases 30) are 150k arguments, past the stack.
  const max = matrix.reduce((top, row) => row.reduce((a, n) => Math.max(a, n), top), 1);
  const collapsed = new Set(collapsedClasses(matrix, classes).map((c) => c.name));
  const mark = (name: string) => (collapsed.has(name) ? ' collapsed' : '');
  const head = classes
    .map(
      (name) =>
        `<th class="predicted${mark(name)}" scope="col"${collapsed.has(name) ? ' title="never predicted"' : ''}>${escapeHtml(name)}</th>`,
    )
    .join('');
  const rows = matrix.map((row, t) => {
    const cells = row.map((n, p) => {
      const strength = n / max;
      const colour = t === p ? `rgba(43,138,62,${strength})` : `rgba(201,42,42,${strength})`;
      return `<td style="background:${colour}" class="${mark(classes[p] as string).trim()}">${n || ''}</td>`;
    });
    const total = row.reduce((a, b) => a + b, 0);
    return `<tr><th scope="row">${escapeHtml(classes[t] as string)}</th>${cells.join('')}<td>${total}</td></tr>`;
  });
  const totals = classes.map((_, p) => matrix.reduce((sum, row) => sum + (row[p] ?? 0), 0));
  return `<table class="matrix"><tr><th>truth ↓ · predicted →</th>${head}<th class="predicted">test images</th></tr>${rows.join('')}<tr><th scope="row">predicted</th>${totals.map((n) => `<td>${n}</td>`).join('')}<td>${totals.reduce((a, b) => a + b, 0)}</td></tr></table>${collapsed.size > 0 ? `<p>Outlined: ${[...collapsed].map(escapeHtml).join(', ')}, never predicted on the test split.</p>` : ''}`;
}

function lineChart(series: number[][], stage: string, unit: string): string {
  const f = frame(460, 260);
  const longest = Math.max(2, ...series.map((s) => s.length));
  const yTicks = niceTicks(Math.max(1e-9, ...series.flat()));
  const top = yTicks.at(-1) ?? 1;
  const x = scaleX(f, 1, longest);
  const y = scaleY(f, 0, top);
  const lines = series.map((values, s) => {
    const points = values.map((v, i) => `${x(i + 1).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    // Markers too: a one-epoch series is a single point, which a line alone would not show.
    const marks = values.map(
      (v, i) =>
        `<circle cx="${x(i + 1).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="${COLOURS[s % COLOURS.length]}"><title>iteration ${s}, epoch ${i + 1}: ${v.toFixed(3)}</title></circle>`,
    );
    return `<polyline fill="none" stroke="${COLOURS[s % COLOURS.length]}" stroke-width="2" points="${points}"><title>iteration ${s}</title></polyline>${marks.join('')}`;
  });
  const axes = axesSvg(f, {
    x: countTicks(longest).map((t) => ({ at: x(t), label: String(t) })),
    y: yTicks.map((t) => ({ at: y(t), label: String(t) })),
    xTitle: `${stage} training epoch`,
    yTitle: unit,
  });
  return `<svg width="${f.width}" height="${f.height}" role="img" aria-label="${stage} loss per epoch">
${axes}
${lines.join('\n')}</svg>${legendHtml(series.map((_, s) => ({ name: `iteration ${s}` })))}`;
}

/** BLEU-1…4 per iteration as grouped bars on a 0…1 axis, with a legend of the iterations. */
function bleuChart(iterations: StoredIteration[]): string {
  const f = frame(460, 260);
  const groups = [1, 2, 3, 4];
  const y = scaleY(f, 0, 1);
  const bar = (f.width - f.left - f.right) / (groups.length * (iterations.length + 1));
  const centre = (g: number) => f.left + (g * (iterations.length + 1) + (iterations.length + 1) / 2) * bar;
  const bars = groups.flatMap((n, g) =>
    iterations.map((it, s) => {
      const value = it.annotation[`bleu${n}` as 'bleu1'] ?? 0;
      const h = y(0) - y(value);
      const left = f.left + (g * (iterations.length + 1) + s + 0.5) * bar;
      return `<rect x="${left.toFixed(1)}" y="${y(value).toFixed(1)}" width="${(bar - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${COLOURS[s % COLOURS.length]}"><title>BLEU-${n}, iteration ${it.iteration}: ${value.toFixed(3)}</title></rect>`;
    }),
  );
  const axes = axesSvg(f, {
    x: groups.map((n, g) => ({ at: centre(g), label: `BLEU-${n}` })),
    y: [0, 0.25, 0.5, 0.75, 1].map((t) => ({ at: y(t), label: fractionLabel(t) })),
    xTitle: 'n-gram order (test split)',
    yTitle: 'BLEU (0 = none, 1 = identical)',
  });
  return `<svg width="${f.width}" height="${f.height}" role="img" aria-label="BLEU per iteration">
${axes}
${bars.join('\n')}</svg>${legendHtml(iterations.map((it, s) => ({ name: `iteration ${it.iteration}`, colour: COLOURS[s % COLOURS.length] })))}`;
}
