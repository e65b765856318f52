import * as tf from '@tensorflow/tfjs';

/**
 * Disposes an optimiser completely. tfjs's `dispose()` leaves tensors behind (momentum's override skips SGD's
 * learning-rate scalar, for one), one per training run, which the no-leak tests would count.
 */
export function disposeOptimizer(optimizer: tf.Optimizer): void {
  optimizer.dispose();
  for (const value of Object.values(optimizer)) {
    if (value instanceof tf.Tensor && !value.isDisposed) value.dispose();
  }
}
