import { type GradConfig, getGradient, registerGradient } from '@tensorflow/tfjs';
import { fusedBatchNormGradient } from './fused-batch-norm.js';

/** Gradients the project replaces for every backend: same values as tfjs's own, far fewer full-size operations. */
export const PROJECT_GRADIENTS: readonly GradConfig[] = [fusedBatchNormGradient];

const originals = new Map<string, GradConfig | undefined>();

/** Registers the project gradients once; returns their kernel names. */
export function installProjectGradients(): string[] {
  for (const gradient of PROJECT_GRADIENTS) {
    if (originals.has(gradient.kernelName)) continue;
    originals.set(gradient.kernelName, getGradient(gradient.kernelName));
    registerGradient(gradient);
  }
  return PROJECT_GRADIENTS.map((gradient) => gradient.kernelName);
}

/** tfjs's own gradient that a project gradient replaced (for parity tests and benchmarks). */
export function originalGradient(kernelName: string): GradConfig | undefined {
  return originals.has(kernelName) ? originals.get(kernelName) : getGradient(kernelName);
}
