import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/cascade/backend.js';
import { classFirstWords, evaluateAnnotations } from '../../../src/cascade/evaluation/annotation.js';
import { createCnn } from '../../../src/cascade/models/cnn.js';
import { RnnDecoder } from '../../../src/cascade/models/rnn.js';
import { embedExamples } from '../../../src/cascade/training/embeddings.js';
import { trainCnn } from '../../../src/cascade/training/train-cnn.js';
import { trainRnn } from '../../../src/cascade/training/train-rnn.js';
import { Vocabulary } from '../../../src/cascade/vocabulary.js';
import { sampleTrainingSet } from '../../helpers/sample-training.js';

describe('training the annotation decoder on CNN embeddings', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('learns the annotations: the loss falls, and from the true first word it writes them back', async () => {
    const { set, mined } = await sampleTrainingSet({ count: 300, seed: 9, minCases: 10, minHeldOut: 2 });
    const classes = mined.classes.map((c) => c.name);
    const geometry = { size: set.size, crop: 64 };
    const cnn = createCnn({ inputSize: 64, classes: classes.length, width: 0.5, dropout: 0 });
    await trainCnn(
      cnn,
      { examples: set.examples, classIndex: new Map(classes.map((name, i) => [name, i])), geometry },
      { epochs: 3, seed: 1 },
    );
    const train = set.examples
      .map((e, i) => ({ e, i }))
      .filter(({ e }) => e.split === 'train' && e.className !== undefined);
    const vocabulary = Vocabulary.fromSequences(train.map(({ e }) => e.sequence));
    const { embeddings } = embedExamples(
      cnn,
      set.examples,
      train.map(({ i }) => i),
      geometry,
    );
    const decoder = new RnnDecoder({
      vocabularySize: vocabulary.size,
      embeddingSize: cnn.embeddingSize,
      units: 48,
      seed: 2,
    });
    const history = trainRnn(
      decoder,
      embeddings,
      train.map(({ e }) => e.sequence),
      vocabulary,
      { epochs: 40, learningRate: 0.01 },
    );
    expect(history.at(-1)?.loss as number).toBeLessThan((history[0]?.loss as number) * 0.5);

    const before = tf.memory().numTensors;
    const truths = train.map(({ e }) => e.sequence);
    const oracleFirst = truths.map((t) => vocabulary.index(t[0] as string));
    const report = evaluateAnnotations(decoder, vocabulary, embeddings, oracleFirst, truths, 5);
    expect(tf.memory().numTensors).toBe(before);
    process.stderr.write(
      `rnn on sample (training images, true first word): BLEU-1 ${report.bleu1.toFixed(2)} BLEU-2 ${report.bleu2.toFixed(2)} side ${report.sideAccuracy?.toFixed(2)}\n`,
    );
    expect(report.bleu1).toBeGreaterThan(0.8);
    expect(report.images).toBe(train.length);
    const firsts = classFirstWords(
      classes,
      train.map(({ e }) => ({ className: e.className as string, sequence: e.sequence })),
      vocabulary,
    );
    expect(vocabulary.words[firsts[classes.indexOf('normal')] as number]).toBe('normal');
    decoder.dispose();
    cnn.dispose();
    embeddings.dispose();
  });
});
