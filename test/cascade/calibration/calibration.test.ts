import { describe, expect, it } from 'vitest';
import { calibrateClasses, calibrateFindings, fitCalibration } from '../../../src/cascade/calibration/calibration.js';
import { applyPlatt, fitPlatt } from '../../../src/cascade/calibration/platt.js';
import { applyTemperature, fitTemperature } from '../../../src/cascade/calibration/temperature.js';
import { calibrationError } from '../../../src/cascade/evaluation/calibration-error.js';
import { rocCurve } from '../../../src/cascade/evaluation/roc.js';
import { Random } from '../../../src/random.js';

/** Draws labels from known calibrated probabilities, then distorts the probabilities the way a network would. */
function overconfident(count: number, seed: number) {
  const random = new Random(seed);
  const truthProbability: number[] = [];
  const labels: number[] = [];
  for (let n = 0; n < count; n++) {
    const z = random.uniform(-3, 3);
    const p = 1 / (1 + Math.exp(-z));
    truthProbability.push(p);
    labels.push(random.chance(p) ? 1 : 0);
  }
  // The network says σ(3z + 1): three times too sure, and biased towards positive.
  const said = truthProbability.map((p) => 1 / (1 + Math.exp(-(3 * Math.log(p / (1 - p)) + 1))));
  return { truthProbability, labels, said };
}

describe('calibration', () => {
  it('softmax temperature: p^(1/T) renormalised keeps the arg-max, and the fit recovers a known temperature', () => {
    expect(applyTemperature([0.7, 0.2, 0.1], 1).map((p) => Number(p.toFixed(6)))).toEqual([0.7, 0.2, 0.1]);
    const softened = applyTemperature([0.7, 0.2, 0.1], 2);
    expect(softened[0] as number).toBeLessThan(0.7);
    expect(softened.indexOf(Math.max(...softened))).toBe(0);
    expect(softened.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    // Three classes with logits z; the truth is drawn from softmax(z); the network reports softmax(2.5 z).
    const random = new Random(3);
    const probabilities: number[][] = [];
    const truth: number[] = [];
    for (let n = 0; n < 3000; n++) {
      const z = [random.uniform(-2, 2), random.uniform(-2, 2), random.uniform(-2, 2)];
      const calibrated = applyTemperature(
        z.map((v) => Math.exp(v)),
        1,
      );
      const u = random.next();
      truth.push(u < (calibrated[0] as number) ? 0 : u < (calibrated[0] as number) + (calibrated[1] as number) ? 1 : 2);
      probabilities.push(applyTemperature(calibrated, 1 / 2.5));
    }
    expect(fitTemperature(probabilities, truth)).toBeCloseTo(2.5, 0);
    // Sub-classes of one true class add up: with outputs [a1, a2, b] grouped as [0, 0, 1] the fit still works.
    const split = probabilities.map(([a, b, c]) => [
      (a as number) / 2,
      (a as number) / 2,
      (b as number) + (c as number),
    ]);
    const grouped = fitTemperature(
      split,
      truth.map((t) => (t === 0 ? 0 : 1)),
      [0, 0, 1],
    );
    expect(grouped).toBeGreaterThan(1.2);
    expect(fitTemperature([], [])).toBe(1);
  });

  it('Platt scaling recovers scale 1/3 and the bias from an over-confident sigmoid, and lowers its ECE', () => {
    const { labels, said } = overconfident(4000, 5);
    const fitted = fitPlatt(said, labels);
    expect(fitted.scale).toBeCloseTo(1 / 3, 1);
    // σ(3z + 1) undone is σ(z): scale 1/3, bias −1/3 (sampling noise of 4,000 labels: a few hundredths).
    expect(Math.abs(fitted.bias + 1 / 3)).toBeLessThan(0.15);
    const before = calibrationError(said, labels);
    const after = calibrationError(
      said.map((p) => applyPlatt(p, fitted)),
      labels,
    );
    expect(before).toBeGreaterThan(0.1);
    expect(after).toBeLessThan(0.03);
    expect(fitPlatt([0.2, 0.9], [1, 1])).toEqual({ scale: 1, bias: 0 });
    expect(applyPlatt(0.3, { scale: 1, bias: 0 })).toBeCloseTo(0.3, 6);
  });

  it('fits per finding on stated labels only; without a calibration probabilities pass unchanged', () => {
    const { labels, said } = overconfident(1000, 8);
    const calibration = fitCalibration(
      {
        classProbabilities: [
          [0.9, 0.1],
          [0.2, 0.8],
        ],
        classTruth: [0, 1],
        classGroups: [0, 1],
        findingProbabilities: said.map((p) => [p, 0.5]),
        // The second finding is uncertain everywhere: nothing to fit, so it stays the identity.
        findingLabels: labels.map((y) => [y, -1]),
      },
      2,
    );
    expect(calibration.findings).toHaveLength(2);
    expect(calibration.findings[1]).toEqual({ scale: 1, bias: 0 });
    expect(calibration.findings[0]?.scale as number).toBeLessThan(0.5);
    expect(calibrateFindings([0.7, 0.7], calibration)[1]).toBeCloseTo(0.7, 6);
    expect(calibrateClasses([0.6, 0.4])).toEqual([0.6, 0.4]);
    expect(calibrateFindings([0.6, 0.4])).toEqual([0.6, 0.4]);
  });

  it('ROC curve from (0, 0) to (1, 1), ties as one point, thinned for drawing', () => {
    expect(rocCurve([0.9, 0.8, 0.8, 0.1], [1, 0, 1, 0])).toEqual([
      [0, 0],
      [0, 0.5],
      [0.5, 1],
      [1, 1],
    ]);
    expect(rocCurve([0.5, 0.4], [1, 1])).toEqual([]);
    const random = new Random(2);
    const many = Array.from({ length: 500 }, () => random.next());
    const curve = rocCurve(
      many,
      many.map((s) => (s > 0.5 ? 1 : 0)),
      20,
    );
    expect(curve).toHaveLength(20);
    expect(curve[0]).toEqual([0, 0]);
    expect(curve.at(-1)).toEqual([1, 1]);
  });
});

describe('calibration keeps the ranking', () => {
  it('a head that ranks the validation images backwards is flattened, never inverted', () => {
    const probabilities = [0.9, 0.8, 0.7, 0.3, 0.2, 0.1];
    const fitted = fitPlatt(probabilities, [0, 0, 0, 1, 1, 1]);
    expect(fitted.scale).toBeGreaterThan(0);
    expect(fitted.scale).toBeLessThan(0.05);
    const calibrated = probabilities.map((p) => applyPlatt(p, fitted));
    for (let k = 1; k < calibrated.length; k++)
      expect(calibrated[k] as number).toBeLessThan(calibrated[k - 1] as number);
  });
});
