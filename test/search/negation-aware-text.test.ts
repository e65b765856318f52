import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ParsedQuery, Source } from '../../src/search/query-parser.js';
import { rankByText } from '../../src/search/text-search.js';
import { IndexStore, reportText } from '../../src/store/index-store.js';
import { annotationOf, entryOf } from '../helpers/annotations.js';
import { tempDir } from '../helpers/fixtures.js';

/** Free words alone, as the parser leaves words it does not know (built here so the test is about ranking only). */
const words = (list: string[], source: Source = 'any'): ParsedQuery => ({
  concepts: [],
  filters: {},
  words: list,
  source,
  unheld: [],
});

const REPORTS: Record<string, string> = {
  affirmed: 'Right lower lobe consolidation.',
  denied: 'No focal consolidation. Normal chest.',
  doubted: 'Possible consolidation at the left base.',
  deniedAfter: 'Consolidation is not seen.',
  // A long report that affirms the word once: bm25 alone would rank it below a short report that doubts it.
  longAffirmed:
    'The heart is normal in size. The mediastinum is unremarkable. There is no pneumothorax or pleural effusion. ' +
    'Mild degenerative changes of the thoracic spine. Surgical clips in the upper abdomen. Old healed rib fractures ' +
    'on the left. There is patchy consolidation in the right lower lobe, but no effusion.',
  butClause: 'No effusion, but there is consolidation in the lingula.',
};

describe('free words over report text: what a report affirms, doubts and denies', () => {
  const store = IndexStore.open(join(tempDir(), 'index.sqlite'));
  const labels = new Map<string, number>();
  // The cascade reads "normal" for every image, so only the report text can match "consolidation".
  const normal = annotationOf({ sequence: ['normal'], disease: 'normal', side: undefined, severity: undefined });
  for (const [name, report] of Object.entries(REPORTS)) {
    labels.set(name, store.upsert({ ...entryOf(name, normal), report }).label);
  }
  const nameOf = (label: number) => [...labels].find(([, l]) => l === label)?.[0];
  afterAll(() => store.close());

  it('splits a report by the miner clause polarities into three columns', () => {
    expect(reportText(REPORTS.denied as string)).toEqual({
      affirmed: 'normal chest.',
      doubted: '',
      negated: 'no focal consolidation.',
    });
    expect(reportText(REPORTS.doubted as string).doubted).toBe('possible consolidation at the left base.');
  });

  it('a positive word never matches what a report denies', () => {
    const ranking = rankByText(store, words(['consolidation']), 10);
    const found = ranking.hits.map((h) => nameOf(h.label));
    expect(found).not.toContain('denied');
    expect(found).not.toContain('deniedAfter');
    expect(ranking.candidates).toBe(4);
  });

  it('what a report only doubts ranks below every report that affirms it, whatever their lengths', () => {
    const ranking = rankByText(store, words(['consolidation']), 10);
    const found = ranking.hits.map((h) => nameOf(h.label));
    expect(found.at(-1)).toBe('doubted');
    expect(new Set(found.slice(0, 3))).toEqual(new Set(['affirmed', 'longAffirmed', 'butClause']));
    const scores = ranking.hits.map((h) => h.score);
    expect(Math.min(...scores.slice(0, 3))).toBeGreaterThan(scores[3] as number);
    const doubted = ranking.hits.at(-1);
    expect(doubted?.words).toEqual([{ word: 'consolidation', fields: ['report_doubted'] }]);
    expect(ranking.hits[0]?.words).toEqual([{ word: 'consolidation', fields: ['report'] }]);
  });

  it('source:report searches report text only, source:generated never reaches it', () => {
    expect(rankByText(store, words(['consolidation'], 'report'), 10).candidates).toBe(4);
    expect(rankByText(store, words(['consolidation'], 'generated'), 10).candidates).toBe(0);
    expect(rankByText(store, words(['consolidation'], 'truth'), 10).candidates).toBe(0);
  });

  it('user text is never FTS5 syntax: operators, quotes and column filters are plain words', () => {
    for (const text of [
      'NOT',
      'consolidation"',
      'report_negated:consolidation',
      '{report_negated}',
      'NEAR(a b)',
      '*',
    ]) {
      expect(() => rankByText(store, words([text]), 10)).not.toThrow();
    }
    // A word that names the negated column is still only a word: the denied reports stay out.
    const names = rankByText(store, words(['report_negated', 'consolidation']), 10).hits.map((h) => nameOf(h.label));
    expect(names).not.toContain('denied');
  });
});
