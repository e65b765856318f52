import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/cascade/backend.js';
import { trainCascade } from '../../src/cascade/cascade.js';
import { sampleTrainingSet } from '../helpers/sample-training.js';

describe('the recurrent neural cascade', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('trains CNN and RNN, relabels the large class by joint context, trains both again; every iteration evaluated; nothing leaks', async () => {
    const { set, mined } = await sampleTrainingSet({ count: 320, seed: 12, minCases: 12, minHeldOut: 3 });
    const baseClasses = mined.classes.map((c) => c.name);
    const before = tf.memory().numTensors;
    const stages: string[] = [];
    const cascade = await trainCascade(
      set,
      baseClasses,
      {
        cnn: { inputSize: 64, width: 0.5, dropout: 0 },
        cnnTraining: { epochs: 3 },
        rnn: { units: 32 },
        rnnTraining: { epochs: 8, learningRate: 0.01 },
        iterations: 1,
      },
      (stage, stats) => stages.push(`${stage}:${stats.epoch}`),
    );
    expect(stages).toContain('cnn 0:3');
    expect(stages).toContain('rnn 1:8');
    expect(cascade.reports).toHaveLength(2);
    expect(cascade.firstClasses).toEqual(baseClasses);
    // The normal group is the one above mean + std here; it splits into round(n / 50) refined classes.
    expect(cascade.reports[0]?.relabelled?.map((r) => r.label)).toEqual(['normal']);
    expect(cascade.finalClasses.filter((c) => c.startsWith('normal#')).length).toBeGreaterThanOrEqual(2);
    expect(cascade.finalClasses.length).toBeGreaterThan(baseClasses.length);
    expect(cascade.firstCnn).not.toBe(cascade.finalCnn);
    for (const report of cascade.reports) {
      // Above guessing among the classes (the run prints ~0.6 with 4-6 classes), and a proportion.
      expect(report.classAccuracy).toBeGreaterThan(1 / baseClasses.length);
      expect(report.classAccuracy).toBeLessThanOrEqual(1);
      expect(report.annotation.bleu1).toBeGreaterThan(0);
      expect(Object.keys(report.auroc).length).toBeGreaterThan(0);
    }
    process.stderr.write(
      `cascade on 320 sample studies: ${cascade.reports.map((r) => `iteration ${r.iteration} accuracy ${r.classAccuracy.toFixed(2)} BLEU-1 ${r.annotation.bleu1.toFixed(2)}`).join('; ')}\n`,
    );
    cascade.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
