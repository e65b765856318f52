import type * as tf from '@tensorflow/tfjs';
import { Random } from '../../src/random.js';

/** max |actual − expected| / max |expected|: the relative error the kernel acceptance is stated in. */
export function relativeError(actual: tf.Tensor, expected: tf.Tensor): number {
  if (actual.shape.join() !== expected.shape.join()) {
    throw new Error(`shape [${actual.shape}] differs from expected [${expected.shape}]`);
  }
  const a = actual.dataSync();
  const e = expected.dataSync();
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < e.length; i++) {
    worst = Math.max(worst, Math.abs((a[i] as number) - (e[i] as number)));
    scale = Math.max(scale, Math.abs(e[i] as number));
  }
  return scale === 0 ? worst : worst / scale;
}

/** Deterministic pseudo-random values in [−1, 1), so a failing case can be reproduced. */
export function seededValues(count: number, seed: number): Float32Array {
  const random = new Random(seed);
  return Float32Array.from({ length: count }, () => random.uniform(-1, 1));
}

/** 1 − cos(a, b), computed plainly: the reference the vector index and the planner are checked against. */
export function cosineDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] as number) * (b[i] as number);
    na += (a[i] as number) ** 2;
    nb += (b[i] as number) ** 2;
  }
  return 1 - dot / Math.sqrt(na * nb);
}
