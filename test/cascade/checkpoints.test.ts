import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/cascade/backend.js';
import { type CascadeOptions, trainCascade } from '../../src/cascade/cascade.js';
import { Checkpoints } from '../../src/cascade/checkpoints.js';
import type { TrainingSet } from '../../src/cascade/data/training-set.js';
import { tempDir } from '../helpers/fixtures.js';
import { sampleTrainingSet } from '../helpers/sample-training.js';

const OPTIONS: CascadeOptions = {
  cnn: { inputSize: 32, width: 0.25, dropout: 0 },
  cnnTraining: { epochs: 3 },
  rnn: { units: 16 },
  rnnTraining: { epochs: 2 },
  iterations: 1,
};

describe('cascade checkpoints', () => {
  let set: TrainingSet;
  let baseClasses: string[];

  beforeAll(async () => {
    await selectBackend('wasm');
    const sample = await sampleTrainingSet({ count: 200, seed: 5, minCases: 10, minHeldOut: 2, inputSize: 32 });
    set = sample.set;
    baseClasses = sample.mined.classes.map((c) => c.name);
  });

  it('an interrupted training stops after an epoch with INTERRUPTED and resumes where it stopped', async () => {
    const dir = join(tempDir(), 'checkpoints');
    const identity = { OPTIONS, n: set.examples.length };
    const controller = new AbortController();
    const first: string[] = [];
    await expect(
      trainCascade(
        set,
        baseClasses,
        OPTIONS,
        (stage, stats) => {
          first.push(`${stage}:${stats.epoch}`);
          if (stage === 'cnn 0' && stats.epoch === 2) controller.abort();
        },
        { checkpoints: new Checkpoints(dir, identity), signal: controller.signal },
      ),
    ).rejects.toMatchObject({ code: 'INTERRUPTED' });
    expect(first).toEqual(['cnn 0:1', 'cnn 0:2']);
    expect(new Checkpoints(dir, identity).load()).toMatchObject({ iteration: 0, cnnEpochs: 2 });
    expect(new Checkpoints(dir, { other: true }).load()).toBeUndefined(); // another run's folder is not ours

    const second: string[] = [];
    const before = tf.memory().numTensors;
    const cascade = await trainCascade(
      set,
      baseClasses,
      OPTIONS,
      (stage, stats) => second.push(`${stage}:${stats.epoch}`),
      {
        checkpoints: new Checkpoints(dir, identity),
      },
    );
    expect(second.filter((s) => s.startsWith('cnn 0'))).toEqual(['cnn 0:3']);
    expect(second).toContain('cnn 1:3');
    expect(cascade.reports).toHaveLength(2);
    expect(cascade.reports[0]?.cnnHistory.map((h) => h.epoch)).toEqual([1, 2, 3]);
    expect(cascade.reports[0]?.confusion.flat().reduce((a, b) => a + b, 0)).toBe(
      set.examples.filter((e) => e.split === 'test' && e.className !== undefined).length,
    );
    cascade.dispose();
    expect(tf.memory().numTensors).toBe(before);

    // A third run after the whole cascade finished starts from the saved end: no CNN epoch is trained again.
    const third: string[] = [];
    const again = await trainCascade(set, baseClasses, OPTIONS, (stage) => third.push(stage), {
      checkpoints: new Checkpoints(dir, identity),
    });
    expect(third).toEqual([]);
    expect(again.reports.map((r) => r.classAccuracy)).toEqual(cascade.reports.map((r) => r.classAccuracy));
    // The index embeddings' centres come back from the checkpoint too.
    expect(again.embeddingCentre).toEqual(cascade.embeddingCentre);
    expect(again.embeddingCentre.final.length).toBeGreaterThan(0);
    again.dispose();
    expect(existsSync(join(dir, 'state.json'))).toBe(true);
  });
});
