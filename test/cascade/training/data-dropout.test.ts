import { describe, expect, it } from 'vitest';
import { dataDropoutEpoch, dataDropoutPlan } from '../../../src/cascade/training/data-dropout.js';

describe('data dropout (the paper’s imbalance handling)', () => {
  it('reproduces the paper’s OpenI figures: normal kept ≈ 26% (dropped ≈ 74%), rare classes replicated more', () => {
    const plan = dataDropoutPlan(
      new Map([
        ['normal', 2696],
        ['calcified granuloma', 174],
        ['cardiomegaly', 64],
        ['nodule', 33],
      ]),
    );
    expect(plan.nMax).toBe(174);
    expect(plan.normalKeep).toBeCloseTo((4 * 174) / 2696, 10);
    expect(1 - plan.normalKeep).toBeCloseTo(0.74, 2);
    expect(Object.fromEntries(plan.replication)).toEqual({ 'calcified granuloma': 4, cardiomegaly: 11, nodule: 21 });
  });

  it('builds an epoch with those proportions, shuffled and deterministic for a seed', () => {
    const labels = [...Array(1000).fill('normal'), ...Array(50).fill('a'), ...Array(10).fill('b')];
    const plan = dataDropoutPlan(
      new Map([
        ['normal', 1000],
        ['a', 50],
        ['b', 10],
      ]),
    );
    const epoch = dataDropoutEpoch(labels, plan, 5);
    expect(dataDropoutEpoch(labels, plan, 5)).toEqual(epoch);
    const count = (label: string) => epoch.filter((i) => labels[i] === label).length;
    expect(count('a')).toBe(50 * 4);
    expect(count('b')).toBe(10 * 20);
    expect(count('normal')).toBeGreaterThan(150);
    expect(count('normal')).toBeLessThan(250); // keep 0.2 of 1000
    expect(epoch.slice(0, 50).every((i) => i < 1000)).toBe(false); // shuffled, not in input order
  });
});

describe('prior correction', () => {
  it('undoes the prior that data dropout taught: true share over shown share, renormalised', async () => {
    const { applyCorrection, priorCorrection } = await import('../../../src/cascade/training/data-dropout.js');
    // Normal was 80% of the images but 20% of what training showed; a rare class 20% but 80%.
    const correction = priorCorrection([80, 20], [20, 80]);
    expect(correction[0]).toBeCloseTo(4, 10);
    expect(correction[1]).toBeCloseTo(0.25, 10);
    const corrected = applyCorrection([0.3, 0.7], correction);
    expect(corrected[0]).toBeCloseTo(1.2 / (1.2 + 0.175), 10);
    expect(corrected[0] as number).toBeGreaterThan(corrected[1] as number);
    expect(applyCorrection([0.3, 0.7], [])).toEqual([0.3, 0.7]);
  });
});
