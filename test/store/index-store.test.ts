import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../src/search/query-parser.js';
import { rankByText } from '../../src/search/text-search.js';
import { IndexStore } from '../../src/store/index-store.js';
import { INDEX_MIGRATIONS_DIR, listMigrations, migrate } from '../../src/store/migrations.js';
import { annotationOf, entryOf, head } from '../helpers/annotations.js';
import { tempDir } from '../helpers/fixtures.js';

const generatedMatches = (store: IndexStore, word: string) =>
  (
    store.db
      .prepare('SELECT rowid AS label FROM entries_text WHERE entries_text MATCH ?')
      .all(`{generated} : "${word}"`) as Array<{
      label: number;
    }>
  ).map((row) => row.label);

describe('IndexStore: per-finding probabilities', () => {
  it('round trip: generated findings keep their probability, truth findings never have one', () => {
    const store = IndexStore.open(join(tempDir(), 'index.sqlite'));
    const entry = entryOf(
      'a',
      annotationOf({ findings: head({ 'pleural effusion': 0.82, nodule: 0.61, pneumonia: 0.2 }) }),
      [{ disease: 'pleural effusion', side: 'left', locations: [], probability: 0.99 }],
    );
    const { label } = store.upsert(entry);
    const [stored] = store.entries([label]);
    expect(stored?.generated.findings).toEqual([
      { disease: 'pleural effusion', side: 'left', severity: 'small', locations: [], probability: 0.82 },
      { disease: 'nodule', locations: [], probability: 0.61 },
      { disease: 'pneumonia', locations: [], probability: 0.2 },
    ]);
    expect(stored?.truth.findings).toEqual([{ disease: 'pleural effusion', side: 'left', locations: [] }]);
    const old = store.upsert(entryOf('b', annotationOf()));
    expect(store.entries([old.label])[0]?.generated.findings).toEqual([
      { disease: 'pleural effusion', side: 'left', severity: 'small', locations: [] },
    ]);
    store.close();
  });

  it("the FTS generated text holds the head's findings at 0.5 or above, not those below", () => {
    const store = IndexStore.open(join(tempDir(), 'index.sqlite'));
    const { label } = store.upsert(
      entryOf('a', annotationOf({ findings: head({ nodule: 0.5, pneumonia: 0.49, 'calcified granuloma': 0.9 }) })),
    );
    expect(generatedMatches(store, 'nodule')).toEqual([label]);
    expect(generatedMatches(store, 'granuloma')).toEqual([label]);
    expect(generatedMatches(store, 'pneumonia')).toEqual([]);
    store.close();
  });

  it('an index from before the head is migrated: its findings keep working, with no probability', () => {
    const path = join(tempDir(), 'index.sqlite');
    const db = new Database(path);
    migrate(
      db,
      listMigrations(INDEX_MIGRATIONS_DIR).filter((m) => m.version <= 3),
      'INDEX_CORRUPT',
    );
    db.prepare(
      `INSERT INTO entries (label, image_id, dataset, file, sequence, disease, confidence, first, final, added_at)
       VALUES (1, 'old:1', 'old', '/x.png', '["cardiomegaly"]', 'cardiomegaly', 0.3, x'00000000', x'00000000', 'then')`,
    ).run();
    db.prepare(`INSERT INTO findings (label, source, disease) VALUES (1, 'generated', 'cardiomegaly')`).run();
    db.close();
    const store = IndexStore.open(path);
    expect(store.db.pragma('user_version', { simple: true })).toBe(7);
    const columns = (store.db.prepare('PRAGMA table_info(findings)').all() as Array<{ name: string }>).map(
      (c) => c.name,
    );
    expect(columns).toContain('probability');
    expect(store.entries([1])[0]?.generated.findings).toEqual([{ disease: 'cardiomegaly', locations: [] }]);
    // Searched as before: matched at a class confidence of 0.3 (no 0.5 threshold without a probability), ranked by it.
    const ranking = rankByText(store, parseQuery('cardiomegaly', { diseases: ['cardiomegaly'] }), 5);
    expect(ranking.hits).toEqual([
      {
        label: 1,
        score: expect.closeTo(0.3 * 1.001, 9),
        concepts: [expect.objectContaining({ sources: ['generated'] })],
        words: [],
      },
    ]);
    expect(ranking.hits[0]?.concepts[0]).not.toHaveProperty('probability');
    store.close();
  });
});
