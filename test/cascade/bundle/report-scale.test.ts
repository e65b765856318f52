import { describe, expect, it } from 'vitest';
import type { BundleManifest } from '../../../src/cascade/bundle/format.js';
import { trainingReportHtml } from '../../../src/cascade/bundle/report.js';

describe('training report at a large collection’s class count', () => {
  it('draws a 400-class confusion matrix (160,000 cells) without running out of stack', () => {
    const classes = Array.from({ length: 400 }, (_, i) => `class ${i}`);
    const confusion = classes.map((_, t) => classes.map((__, p) => (t === p ? 50 : (t + p) % 3)));
    const manifest = {
      contentHash: 'abcdef0123456789',
      created: '2026-01-01T00:00:00Z',
      options: {},
      baseClasses: classes,
      finalClasses: classes,
      metrics: [
        {
          iteration: 0,
          classes,
          classAccuracy: 0.5,
          cnnLoss: [1, 0.5],
          rnnLoss: [2, 1],
          confusion,
          auroc: {},
          annotation: { images: 1, bleu1: 0, bleu2: 0, bleu3: 0, bleu4: 0, examples: [] },
        },
      ],
    } as unknown as BundleManifest;
    const html = trainingReportHtml(manifest);
    expect(html).toContain('<h3>Iteration 0</h3>');
    // The diagonal's 50 is the strongest cell: drawn at full strength.
    expect(html).toContain('rgba(43,138,62,1)');
  });
});
