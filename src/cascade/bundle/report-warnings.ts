import type { FindingReport } from '../cascade.js';
import { escapeHtml } from './html.js';

/** Below this many positives on the test split an AUROC moves by a tenth or more with one image: it is flagged. */
export const TINY_TEST_SET = 10;

interface Evaluated {
  iteration: number;
  confusion?: number[][];
  auroc: Record<string, number>;
  findings?: FindingReport[];
}

/** Test images per mined class: the confusion matrix's row sums (rows are the truth). */
export function positivesByClass(confusion: number[][], classes: string[]): Map<string, number> {
  return new Map(classes.map((name, c) => [name, (confusion[c] ?? []).reduce((a, b) => a + b, 0)]));
}

/** Mined classes the final model never predicts on the test split although it has images of them, and where those went. */
export function collapsedClasses(
  confusion: number[][],
  classes: string[],
): Array<{ name: string; images: number; predictedAs: string }> {
  return classes.flatMap((name, c) => {
    const row = confusion[c] ?? [];
    const images = row.reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((sum, r) => sum + (r[c] ?? 0), 0);
    if (images === 0 || predicted > 0) return [];
    const most = row.indexOf(Math.max(...row));
    return [{ name, images, predictedAs: classes[most] ?? '?' }];
  });
}

/**
 * What a reader must know before trusting the figures below: AUROCs that rest on tiny test sets, and classes the
 * model never predicts (collapsed into another, typically `normal`). Always present, so its absence is not silence.
 */
export function warningsSection(iterations: Evaluated[], classes: string[]): string {
  const final = iterations.at(-1);
  const items: string[] = [];
  if (final !== undefined) {
    const confusion = final.confusion ?? [];
    const tested = confusion.flat().reduce((a, b) => a + b, 0);
    const positives = positivesByClass(confusion, classes);
    const tinyClasses = classes.filter(
      (name) => final.auroc[name] !== undefined && (positives.get(name) ?? 0) < TINY_TEST_SET,
    );
    if (tinyClasses.length > 0) {
      items.push(
        `Tiny test set: the AUROC of ${tinyClasses.length} mined class(es) rests on fewer than ${TINY_TEST_SET} positives of ${tested} test images — ${list(tinyClasses.map((n) => `${n} (${positives.get(n)})`))}. One image moves such a figure by a tenth or more; an AUROC of 1.000 here proves little.`,
      );
    }
    const tinyFindings = (final.findings ?? []).filter((f) => f.positives < TINY_TEST_SET);
    if (tinyFindings.length > 0) {
      items.push(
        `Tiny test set: the finding head's AUROC of ${tinyFindings.length} finding(s) rests on fewer than ${TINY_TEST_SET} positives — ${list(tinyFindings.map((f) => `${f.finding} (${f.positives})`))}. Read their intervals, not their estimates.`,
      );
    }
    for (const collapsed of collapsedClasses(confusion, classes)) {
      items.push(
        `Collapsed class: ${escapeHtml(collapsed.name)} is never predicted on the test split; its ${collapsed.images} test image(s) were predicted as ${escapeHtml(collapsed.predictedAs)} most often. The model cannot find this class.`,
      );
    }
  }
  const body =
    items.length === 0
      ? '<p>None: every AUROC rests on at least ten positives and every class with test images is predicted.</p>'
      : `<ul>${items.map((item) => `<li>${item}</li>`).join('')}</ul>`;
  return `<section id="warnings" class="warnings"><h2>Warnings</h2>${body}</section>`;
}

function list(names: string[]): string {
  return names.map(escapeHtml).join(', ');
}
