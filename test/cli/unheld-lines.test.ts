import { describe, expect, it } from 'vitest';
import { unheldLines } from '../../src/cli/search.js';
import { parseQuery } from '../../src/search/query-parser.js';

describe('cxr search on a concept the index does not hold', () => {
  it('says so and names the nearest concepts the index holds', () => {
    const parsed = parseQuery('tuberculosis', { diseases: ['calcified granuloma', 'pneumonia', 'cardiomegaly'] });
    expect(parsed.unheld).toEqual([{ concept: 'tuberculosis', nearest: ['calcified granuloma', 'pneumonia'] }]);
    expect(unheldLines(parsed.unheld)).toEqual([
      'this index holds no finding of tuberculosis; nearest it holds: calcified granuloma, pneumonia',
    ]);
  });
});
