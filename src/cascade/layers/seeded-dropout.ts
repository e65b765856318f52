import * as tf from '@tensorflow/tfjs';
import { Random } from '../../random.js';

export interface SeededDropoutArgs {
  rate: number;
  seed: number;
  name?: string;
}

/**
 * Dropout whose masks come from the project's seeded generator: a new mask every training call, the same sequence
 * of masks for the same seed, so training is deterministic per seed. (tf.layers.dropout draws from an unseeded
 * generator, or with a seed repeats one mask on every call.) Identity at inference.
 */
export class SeededDropout extends tf.layers.Layer {
  static readonly className = 'CxrSeededDropout';
  readonly rate: number;
  readonly seed: number;
  private readonly random: Random;

  constructor(args: SeededDropoutArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    this.rate = args.rate;
    this.seed = args.seed;
    this.random = new Random(args.seed);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
    if (kwargs.training !== true || this.rate <= 0) return tf.clone(x);
    const keep = 1 - this.rate;
    const mask = new Float32Array(x.size);
    for (let i = 0; i < mask.length; i++) mask[i] = this.random.next() < keep ? 1 / keep : 0;
    return tf.tidy(() => tf.mul(x, tf.tensor(mask, x.shape)));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}

tf.serialization.registerClass(SeededDropout);
