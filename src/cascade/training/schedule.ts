/** The learning-rate schedules of CNN training, by epoch. */
export interface ScheduleOptions {
  learningRate: number;
  epochs: number;
  schedule: 'constant' | 'step' | 'cosine';
}

/**
 * The rate for an epoch: `step` drops it tenfold for the last third of the epochs (the paper's step schedule,
 * compressed to a CPU's few epochs); `cosine` follows half a cosine from the full rate, each epoch at its midpoint
 * so the last one still learns.
 */
export function learningRateAt(options: ScheduleOptions, epoch: number): number {
  const { learningRate, epochs, schedule } = options;
  if (schedule === 'step') {
    return epochs >= 2 && epoch >= Math.floor((2 * epochs) / 3) ? learningRate / 10 : learningRate;
  }
  if (schedule === 'cosine') return (learningRate * (1 + Math.cos((Math.PI * (epoch + 0.5)) / epochs))) / 2;
  return learningRate;
}
