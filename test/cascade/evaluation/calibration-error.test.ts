import { describe, expect, it } from 'vitest';
import { calibrationError, topLabelCalibrationError } from '../../../src/cascade/evaluation/calibration-error.js';

describe('expected calibration error (10 equal-width bins)', () => {
  it('matches a hand-computed binary example', () => {
    // bins: [0, .1) holds .05 (label 0): |.05 − 0|·1/4; [.1, .2) holds .15, .15 (labels 0, 1): |.15 − .5|·2/4;
    // [.9, 1] holds .95 (label 1): |.95 − 1|·1/4. Sum: .0125 + .175 + .0125 = .2.
    expect(calibrationError([0.05, 0.15, 0.15, 0.95], [0, 0, 1, 1])).toBeCloseTo(0.2, 12);
  });

  it('is 0 when every bin’s mean probability is its share of positives', () => {
    expect(calibrationError([0.25, 0.25, 0.25, 0.25, 0.75, 0.75, 0.75, 0.75], [1, 0, 0, 0, 1, 1, 1, 0])).toBeCloseTo(
      0,
      12,
    );
  });

  it('puts probability 1 into the last bin and counts booleans as labels', () => {
    expect(calibrationError([1], [true])).toBe(0);
    expect(calibrationError([1, 0], [false, true])).toBeCloseTo(1, 12);
  });

  it('is 0 for no items and refuses lists of different lengths', () => {
    expect(calibrationError([], [])).toBe(0);
    expect(() => calibrationError([0.5], [])).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it('measures top-1 confidence against correctness for multiclass probabilities', () => {
    // confidences .7 (correct), .5 (wrong), .6 (wrong), one per bin: (.3 + .5 + .6) / 3.
    const probabilities = [
      [0.7, 0.2, 0.1],
      [0.4, 0.5, 0.1],
      [0.6, 0.3, 0.1],
    ];
    expect(topLabelCalibrationError(probabilities, [0, 0, 2])).toBeCloseTo(1.4 / 3, 12);
  });

  it('takes the number of bins', () => {
    // One bin: |mean probability − share of positives| = |.35 − .5|.
    expect(calibrationError([0.05, 0.15, 0.25, 0.95], [0, 0, 1, 1], 1)).toBeCloseTo(0.15, 12);
  });
});
