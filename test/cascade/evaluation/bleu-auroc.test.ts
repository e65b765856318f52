import { describe, expect, it } from 'vitest';
import { auroc } from '../../../src/cascade/evaluation/auroc.js';
import { corpusBleu, sentenceBleu } from '../../../src/cascade/evaluation/bleu.js';

const words = (text: string) => text.split(' ');

describe('BLEU (checked against hand-computed examples)', () => {
  it('clips repeated words (Papineni et al.: 7 × "the" against "the cat is on the mat" scores 2/7)', () => {
    const scores = sentenceBleu(words('the the the the the the the'), [
      words('the cat is on the mat'),
      words('there is a cat on the mat'),
    ]);
    expect(scores.bleu1).toBeCloseTo(2 / 7, 10);
    expect(scores.bleu2).toBe(0);
  });

  it('takes the geometric mean of the n-gram precisions', () => {
    // unigrams 2/3, bigrams 1/2, no brevity penalty (3 vs 3): BLEU-2 = sqrt(2/3 · 1/2).
    const scores = sentenceBleu(words('pleural_effusion left small'), [words('pleural_effusion left moderate')]);
    expect(scores.bleu1).toBeCloseTo(2 / 3, 10);
    expect(scores.bleu2).toBeCloseTo(Math.sqrt(1 / 3), 10);
    expect(scores.bleu3).toBe(0);
  });

  it('applies the brevity penalty exp(1 − r/c) to short candidates', () => {
    expect(sentenceBleu(['cardiomegaly'], [['cardiomegaly', 'mild']]).bleu1).toBeCloseTo(Math.exp(-1), 10);
    expect(sentenceBleu(words('a b c d'), [words('a b c d')]).bleu4).toBeCloseTo(1, 10);
  });

  it('sums counts over the corpus before dividing (not an average of sentence scores)', () => {
    // Candidate 1: 1/1 unigrams; candidate 2: 1/3. Corpus p1 = 2/4; lengths 1 + 3 = 4 vs references 1 + 4 = 5 → BP exp(1 − 5/4).
    const scores = corpusBleu(
      [['normal'], words('nodule lung right')],
      [[['normal']], [words('mass left lung upper_lobe')]],
    );
    expect(scores.bleu1).toBeCloseTo(0.5 * Math.exp(1 - 5 / 4), 10);
  });
});

describe('AUROC', () => {
  it('is 1 for a perfect ranking, 0 for a reversed one, 0.5 for all ties', () => {
    expect(auroc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(auroc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
    expect(auroc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
  });

  it('matches the hand count (scikit-learn’s example: 0.75)', () => {
    expect(auroc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75, 10);
  });

  it('is undefined without both classes', () => {
    expect(auroc([0.1, 0.2], [1, 1])).toBeNaN();
  });
});
