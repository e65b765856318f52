import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/cascade/backend.js';
import type { TrainingExample } from '../../../src/cascade/data/training-set.js';
import { auroc } from '../../../src/cascade/evaluation/auroc.js';
import { evaluateClassifier } from '../../../src/cascade/evaluation/classification.js';
import { createCnn } from '../../../src/cascade/models/cnn.js';
import { embedExamples } from '../../../src/cascade/training/embeddings.js';
import { chooseFindings, findingTargets } from '../../../src/cascade/training/finding-targets.js';
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
    const findings = chooseFindings(set.examples, 10);
    expect(findings).toContain('pleural effusion');
    const cnn = createCnn({
      inputSize: 64,
      classes: classes.length,
      findings: findings.length,
      width: 0.5,
      dropout: 0,
    });
    const geometry = { size: set.size, crop: 64 };
    const epochs: number[] = [];
    const history = await trainCnn(
      cnn,
      { examples: set.examples, classIndex: new Map(classes.map((name, i) => [name, i])), geometry, findings },
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

    // The finding head learnt from every labelled image, classed or not: effusion ranks well there too.
    const heldIdx = set.examples.flatMap((e, i) => (e.split !== 'train' ? [i] : []));
    const readout = embedExamples(cnn, set.examples, heldIdx, geometry);
    readout.embeddings.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const f = findings.indexOf('pleural effusion');
    const headAuroc = auroc(
      readout.findings.map((row) => row[f] as number),
      heldIdx.map((i) => set.examples[i]?.positives.includes('pleural effusion') ?? false),
    );
    process.stderr.write(`finding head on sample held-out: pleural effusion AUROC ${headAuroc.toFixed(2)}\n`);
    expect(headAuroc).toBeGreaterThan(0.8);
    cnn.dispose();
  });

  it('finding targets: present 1, absent 0, uncertain masked; findings need enough positives and negatives', () => {
    const example = (positives: string[], uncertain: string[] = []): TrainingExample => ({
      imageId: 'x',
      split: 'train',
      className: undefined,
      sequence: [],
      positives,
      uncertain,
      pixels: new Float32Array(1),
    });
    expect(findingTargets(example(['a'], ['b']), ['a', 'b', 'c'])).toEqual({ targets: [1, 0, 0], mask: [1, 0, 1] });
    const examples = [
      ...Array.from({ length: 3 }, () => example(['a'])),
      ...Array.from({ length: 3 }, () => example(['a', 'b'])),
      ...Array.from({ length: 3 }, () => example([])),
      { ...example(['c']), split: 'test' as const },
    ];
    // a: 6 positives but only 3 negatives; b: 3 and 6; c is only in test.
    expect(chooseFindings(examples, 3)).toEqual(['a', 'b']);
    expect(chooseFindings(examples, 4)).toEqual([]);
  });
});
