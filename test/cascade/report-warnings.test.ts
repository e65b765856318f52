import { describe, expect, it } from 'vitest';
import { collapsedClasses, warningsSection } from '../../src/cascade/bundle/report-warnings.js';

const classes = ['normal', 'pleural effusion', 'cardiomegaly'];

describe('the training report warns before its figures mislead', () => {
  it('a class never predicted is collapsed, and says where its images went', () => {
    const confusion = [
      [40, 0, 2],
      [12, 0, 0], // every effusion predicted as normal
      [1, 0, 15],
    ];
    expect(collapsedClasses(confusion, classes)).toEqual([
      { name: 'pleural effusion', images: 12, predictedAs: 'normal' },
    ]);
    const html = warningsSection(
      [{ iteration: 0, confusion, auroc: { normal: 0.9, 'pleural effusion': 0.7, cardiomegaly: 0.95 } }],
      classes,
    );
    expect(html).toContain('Collapsed class: pleural effusion is never predicted');
    expect(html).not.toContain('Tiny test set'); // 42, 12 and 16 positives
  });

  it('an AUROC on fewer than 10 positives (classes or head findings) is flagged; a clean report says so', () => {
    const confusion = [
      [40, 1, 0],
      [1, 3, 0],
      [0, 0, 20],
    ];
    const findings = [
      { finding: 'nodule', positives: 4, negatives: 60, auroc: 1, low: 0.8, high: 1, roc: [] },
      { finding: 'edema', positives: 30, negatives: 34, auroc: 0.8, low: 0.7, high: 0.9, roc: [] },
    ];
    const html = warningsSection(
      [{ iteration: 1, confusion, auroc: { normal: 0.9, 'pleural effusion': 1, cardiomegaly: 0.95 }, findings }],
      classes,
    );
    expect(html).toContain('fewer than 10 positives of 65 test images — pleural effusion (4)');
    expect(html).toContain('nodule (4)');
    expect(html).not.toContain('edema');
    const clean = warningsSection(
      [
        {
          iteration: 0,
          confusion: [
            [20, 1],
            [2, 30],
          ],
          auroc: { a: 0.9, b: 0.9 },
        },
      ],
      ['a', 'b'],
    );
    expect(clean).toContain('id="warnings"');
    expect(clean).toContain('None:');
  });
});
