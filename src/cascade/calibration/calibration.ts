import { applyPlatt, fitPlatt, IDENTITY_SCALING, type PlattScaling } from './platt.js';
import { applyTemperature, fitTemperature } from './temperature.js';

/**
 * What turns the CNN's outputs into probabilities that mean what they say, fitted on the validation split: a
 * temperature for the (prior-corrected) class softmax, and Platt scaling per output of the finding head. Stored in
 * the bundle and applied by both runtimes (in `readAnnotations`), so TensorFlow.js and ONNX Runtime agree.
 */
export interface Calibration {
  classTemperature: number;
  /** One per finding of the head, in its output order. */
  findings: PlattScaling[];
}

/** Held-out outputs and their labels; a finding label of -1 (uncertain) is left out of its fit. */
export interface HeldOutOutputs {
  classProbabilities: number[][];
  /** The true class of each image, as an index of the classes `classGroups` maps outputs to. */
  classTruth: number[];
  /** For each class output, the true class it belongs to (refined classes belong to their mined class). */
  classGroups: number[];
  findingProbabilities: number[][];
  findingLabels: number[][];
}

export function fitCalibration(outputs: HeldOutOutputs, findings: number): Calibration {
  return {
    classTemperature: fitTemperature(outputs.classProbabilities, outputs.classTruth, outputs.classGroups),
    findings: Array.from({ length: findings }, (_, f) => {
      const stated = outputs.findingLabels.flatMap((labels, n) => (labels[f] === -1 ? [] : [n]));
      return fitPlatt(
        stated.map((n) => outputs.findingProbabilities[n]?.[f] as number),
        stated.map((n) => outputs.findingLabels[n]?.[f] as number),
      );
    }),
  };
}

/** Class probabilities calibrated (unchanged without a calibration: bundles trained before it). */
export function calibrateClasses(probabilities: ArrayLike<number>, calibration?: Calibration): number[] {
  return calibration === undefined
    ? Array.from(probabilities)
    : applyTemperature(probabilities, calibration.classTemperature);
}

export function calibrateFindings(probabilities: ArrayLike<number>, calibration?: Calibration): number[] {
  return Array.from(probabilities, (p, f) => applyPlatt(p, calibration?.findings[f] ?? IDENTITY_SCALING));
}
