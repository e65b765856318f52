import { describe, expect, it } from 'vitest';
import { CONCEPTS } from '../../src/labels/vocabulary/concepts.js';
import { wordsOf } from '../../src/labels/vocabulary/lexicon.js';
import { parseQuery } from '../../src/search/query-parser.js';
import { readQuerySet, scoreQuerySet } from '../helpers/query-set.js';

/** An index that holds every concept under its own name: the parse is then the vocabulary's reading. */
const everything = { diseases: CONCEPTS.map((c) => c.name) };
const set = readQuerySet();

describe('the radiologist query set', () => {
  it('holds at least 150 queries of every kind the issue names', () => {
    expect(set.length).toBeGreaterThanOrEqual(150);
    const kinds = new Set(set.map((q) => q.kind));
    for (const kind of ['abbreviation', 'typo', 'negation', 'normal', 'multi', 'device']) expect(kinds).toContain(kind);
  });

  it('parses every query as the radiologist expects', () => {
    const { byKind, failures } = scoreQuerySet(set, (query) => parseQuery(query, everything).concepts);
    const table = [...byKind].map(([kind, t]) => `${kind} ${t.right}/${t.total}`).join(', ');
    console.log(`query set accuracy by kind: ${table}`);
    expect(failures, failures.join('\n')).toEqual([]);
  });

  it('leaves only whole words of the query to free-text ranking', () => {
    for (const { query } of set) {
      const words = parseQuery(query, everything).words;
      for (const word of words) expect(wordsOf(query.replace(/-/g, ' ')), `${query}: ${word}`).toContain(word);
    }
  });
});
