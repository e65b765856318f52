import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../src/search/query-parser.js';

const vocabulary = {
  diseases: [
    'normal',
    'pleural effusion',
    'cardiomegaly',
    'pneumothorax',
    'calcified granuloma',
    'pulmonary atelectasis',
    'lung/hypoinflation',
    'catheters, indwelling',
    'opacity',
  ],
};

const concept = (c: Partial<ReturnType<typeof parseQuery>['concepts'][number]>) => expect.objectContaining(c);

describe('parseQuery', () => {
  it('reads "left lower lobe effusion" as a disease, a side and a place', () => {
    const parsed = parseQuery('left lower lobe effusion', vocabulary);
    expect(parsed.concepts).toEqual([
      concept({ disease: 'pleural effusion', side: 'left', locations: ['lower lobe'], negated: false }),
    ]);
    expect(parsed.words).toEqual([]);
    expect(parsed.source).toBe('any');
  });

  it('expands abbreviations and resolves synonyms', () => {
    expect(parseQuery('LLL atelectasis', vocabulary).concepts).toEqual([
      concept({ disease: 'pulmonary atelectasis', side: 'left', locations: ['lower lobe'] }),
    ]);
    expect(parseQuery('small PTX', vocabulary).concepts).toEqual([
      concept({ disease: 'pneumothorax', severity: 'small' }),
    ]);
    expect(parseQuery('enlarged heart', vocabulary).concepts).toEqual([concept({ disease: 'cardiomegaly' })]);
    expect(parseQuery('RUL calcified granulomas', vocabulary).concepts).toEqual([
      concept({ disease: 'calcified granuloma', side: 'right', locations: ['upper lobe'] }),
    ]);
    expect(parseQuery('central line', vocabulary).concepts).toEqual([concept({ disease: 'catheters, indwelling' })]);
  });

  it('reads negation: "no", "without", a leading minus', () => {
    const parsed = parseQuery('cardiomegaly, no effusion -pneumothorax', vocabulary);
    expect(parsed.concepts).toEqual([
      concept({ disease: 'cardiomegaly', negated: false }),
      concept({ disease: 'pleural effusion', negated: true }),
      concept({ disease: 'pneumothorax', negated: true }),
    ]);
    expect(parseQuery('effusion without pneumothorax', vocabulary).concepts).toEqual([
      concept({ disease: 'pleural effusion', negated: false }),
      concept({ disease: 'pneumothorax', negated: true }),
    ]);
  });

  it('attaches each side to its nearest disease', () => {
    expect(parseQuery('right pneumothorax and left effusion', vocabulary).concepts).toEqual([
      concept({ disease: 'pneumothorax', side: 'right' }),
      concept({ disease: 'pleural effusion', side: 'left' }),
    ]);
  });

  it('takes field syntax as hard filters and checks its values', () => {
    const parsed = parseQuery(
      'disease:"pleural effusion" severity:small location:base view:pa split:test source:generated confidence:0.5 portable',
      vocabulary,
    );
    expect(parsed.concepts).toEqual([
      concept({ disease: 'pleural effusion', severity: 'small', locations: ['base'], locationsRequired: true }),
    ]);
    expect(parsed.filters).toEqual({ view: 'PA', split: 'test', minConfidence: 0.5 });
    expect(parsed.source).toBe('generated');
    expect(parsed.words).toEqual(['portable']);
    expect(parseQuery('-disease:cardiomegaly', vocabulary).concepts).toEqual([
      concept({ disease: 'cardiomegaly', negated: true }),
    ]);
    for (const bad of ['disease:unicorn', 'side:up', 'severity:huge', 'confidence:2', 'source:web', 'view:"a b"']) {
      expect(() => parseQuery(bad, vocabulary), bad).toThrow(expect.objectContaining({ code: 'QUERY_INVALID' }));
    }
    expect(() => parseQuery('x'.repeat(1001), vocabulary)).toThrow(expect.objectContaining({ code: 'QUERY_INVALID' }));
  });

  it('reduces FTS5 syntax in user text to plain words', () => {
    const parsed = parseQuery('NEAR("pleural" fluid) * title:x (( "unbalanced AND OR NOT ^a', vocabulary);
    expect(parsed.concepts).toEqual([concept({ disease: 'pleural effusion' })]);
    for (const word of parsed.words) expect(word).toMatch(/^[a-z0-9]+$/);
    expect(parsed.words).toEqual(expect.arrayContaining(['near', 'title', 'unbalanced']));
  });

  it('keeps unknown words for full-text ranking and drops stop words', () => {
    const parsed = parseQuery('show me the portable films with subtle lucent bands', vocabulary);
    expect(parsed.words).toEqual(['portable', 'subtle', 'lucent', 'bands']);
    expect(parsed.concepts).toEqual([]);
  });

  it('answers a concept the index does not hold with the nearest it does, not with free words', () => {
    const parsed = parseQuery('show me the pacemaker wires', vocabulary);
    expect(parsed.words).toEqual(['wires']);
    expect(parsed.concepts).toEqual([concept({ concept: 'pacemaker', disease: 'pacemaker' })]);
    expect(parsed.unheld).toEqual([{ concept: 'pacemaker', nearest: ['catheters, indwelling'] }]);
  });

  it('reads the vocabulary whatever the index calls it: dataset names, headings, typos, normal phrasings', () => {
    const chestxray14 = { diseases: ['effusion', 'infiltration', 'no finding', 'pleural_thickening', 'normal'] };
    expect(parseQuery('small left pleural effusion', chestxray14).concepts).toEqual([
      concept({ concept: 'pleural effusion', disease: 'effusion', side: 'left', severity: 'small' }),
    ]);
    expect(parseQuery('infiltrate', chestxray14).concepts).toEqual([concept({ disease: 'infiltration' })]);
    expect(parseQuery('pleural thickening', chestxray14).concepts).toEqual([
      concept({ disease: 'pleural_thickening' }),
    ]);
    expect(parseQuery('efusion', vocabulary).concepts).toEqual([concept({ disease: 'pleural effusion' })]);
    expect(parseQuery('pnuemothorax', vocabulary).concepts).toEqual([concept({ disease: 'pneumothorax' })]);
    for (const normal of ['no acute cardiopulmonary process', 'no finding', 'unremarkable', 'clear lungs']) {
      expect(parseQuery(normal, vocabulary).concepts, normal).toEqual([concept({ disease: 'normal', negated: false })]);
    }
    expect(parseQuery('hyperinflated lungs', vocabulary).words).toEqual([]);
    expect(parseQuery('b/l effusions', vocabulary).concepts).toEqual([
      concept({ disease: 'pleural effusion', side: 'bilateral' }),
    ]);
  });
});
