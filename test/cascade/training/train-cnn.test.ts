import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/cascade/backend.js';
import { evaluateClassifier } from '../../../src/cascade/evaluation/classification.js';
import { createCnn } from '../../../src/cascade/models/cnn.js';
import { trainCnn } from '../../../src/cascade/training/train-cnn.js';
import { Vocabulary } from '../../../src/cascade/vocabulary.js';
import { sampleTrainingSet } from '../../helpers/sample-training.js';

describe('training the cascade CNN from a catalog', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('loads mined images, trains with data dropout, and recognises a visible finding on held-out images; no tensor leaks', async () => {
    const { set, mined } = await sampleTrainingSet({ count: 400, seed: 4, minCases: 15, minHeldOut: 3 });
    expect(set.skipped).toEqual([]);
    // Every labelled image is loaded (the finding head learns from all); the classed ones are the classes' images.
    expect(set.examples.length).toBe(mined.labelledImages);
    expect(set.examples.filter((e) => e.className !== undefined).length).toBe(mined.classImages);
    expect(set.examples[0]?.pixels.length).toBe(set.size * set.size);
    const vocabulary = Vocabulary.fromSequences(set.examples.map((e) => e.sequence));
    expect(vocabulary.words[0]).toBe('<end>');
    expect(vocabulary.decode(vocabulary.encode(['normal']))).toEqual(['normal']);

    const classes = mined.classes.map((c) => c.name);
    const cnn = createCnn({ inputSize: 64, classes: classes.length, width: 0.5, dropout: 0 });
    const geometry = { size: set.size, crop: 64 };
    const epochs: number[] = [];
    const history = await trainCnn(
      cnn,
      { examples: set.examples, classIndex: new Map(classes.map((name, i) => [name, i])), geometry },
      { epochs: 8, seed: 2 },
      { onEpoch: (s) => epochs.push(s.epoch) },
    );
    expect(epochs).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(history.at(-1)?.loss as number).toBeLessThan(history[0]?.loss as number);

    const before = tf.memory().numTensors;
    const report = evaluateClassifier(
      cnn,
      set.examples.filter((e) => e.split !== 'train'),
      classes,
      geometry,
    );
    expect(tf.memory().numTensors).toBe(before);
    process.stderr.write(
      `cnn on sample held-out: accuracy ${report.accuracy.toFixed(2)} over ${report.images} images, ${classes.length} classes, AUROC ${JSON.stringify(report.auroc)}\n`,
    );
    // Pleural effusion is large and visible at 64²: it must be ranked well (tiny granulomas need more than 8 epochs).
    expect(classes).toContain('pleural effusion');
    expect(report.auroc['pleural effusion'] as number).toBeGreaterThan(0.8);
    expect(report.confusion.flat().reduce((a, b) => a + b, 0)).toBe(report.images);
    expect(Object.keys(report.auroc).length).toBeGreaterThan(1);
    cnn.dispose();
  });
});
