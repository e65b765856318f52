/** The cascade configurations the benchmark compares, and how `--epochs` / `--quick` shorten them. */
import type { CascadeOptions } from '../../src/cascade/cascade.js';
import { PROFILE_DEFAULTS } from '../../src/cascade/training-profile.js';

export const CONFIGS: Record<string, CascadeOptions> = {
  /** What `cxr train` chooses for a collection of real radiographs, whatever it is when the benchmark runs. */
  defaults: { ...PROFILE_DEFAULTS.radiographs.options, seed: 1 },
  /** What `cxr train` ran by default before the defaults were chosen by this benchmark. */
  previous: {
    cnn: { inputSize: 64, architecture: 'nin', width: 1 },
    cnnTraining: { epochs: 8, imbalance: 'data-dropout' },
    rnn: { cell: 'gru', init: 'learned' },
    rnnTraining: { epochs: 15 },
    iterations: 1,
    seed: 1,
  },
};

/** `epochs` CNN epochs per iteration; `quick`: one CNN and two RNN epochs, no refinement (to try the bench). */
export function shortened(options: CascadeOptions, epochs: number | undefined, quick: boolean): CascadeOptions {
  if (quick) {
    return {
      ...options,
      cnnTraining: { ...options.cnnTraining, epochs: epochs ?? 1 },
      rnnTraining: { ...options.rnnTraining, epochs: 2 },
      iterations: 0,
    };
  }
  return epochs === undefined ? options : { ...options, cnnTraining: { ...options.cnnTraining, epochs } };
}
