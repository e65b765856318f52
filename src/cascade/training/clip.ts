import * as tf from '@tensorflow/tfjs';

/**
 * One optimisation step with gradients clipped to a global norm (the paper's RNN: RMSprop, clip 5); tfjs
 * optimisers have no clipping of their own. Returns the loss value.
 */
export function clippedStep(
  optimizer: tf.Optimizer,
  variables: tf.Variable[],
  loss: () => tf.Scalar,
  maxNorm: number,
): number {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(loss, variables);
    const names = Object.keys(grads);
    const norm = Math.sqrt(
      names.reduce((sum, name) => sum + (tf.sum(tf.square(grads[name] as tf.Tensor)).dataSync()[0] as number), 0),
    );
    const scale = norm > maxNorm ? maxNorm / norm : 1;
    const clipped: tf.NamedTensorMap = {};
    for (const name of names)
      clipped[name] = scale === 1 ? (grads[name] as tf.Tensor) : tf.mul(grads[name] as tf.Tensor, scale);
    optimizer.applyGradients(clipped);
    return value.dataSync()[0] as number;
  });
}
