import { describe, expect, it } from 'vitest';
import { evaluateMiner } from '../../../src/labels/reports/evaluate.js';

describe('miner evaluation: sides', () => {
  it("counts a missed heading's side as missed in (heading, side), and not where the heading was found", () => {
    const evaluation = evaluateMiner([
      // Effusion found on the right side; atelectasis (left in the truth) missed entirely.
      {
        id: '1',
        report: { findings: 'Small right pleural effusion.' },
        gold: ['Pleural Effusion/right/small', 'Pulmonary Atelectasis/base/left'],
      },
      // Opacity found, on the wrong side.
      { id: '2', report: { findings: 'Left basilar opacity.' }, gold: ['Opacity/lung/base/right'] },
    ]);
    expect(evaluation.headingSide).toMatchObject({ tp: 1, fp: 1, fn: 2 });
    expect(evaluation.sideWhereFound).toMatchObject({ tp: 1, fp: 1, fn: 1 });
    expect(evaluation.sideWhereFound.f1).toBeCloseTo(0.5);
  });
});
