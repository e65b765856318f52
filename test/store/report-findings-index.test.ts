import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../src/search/query-parser.js';
import { rankByText } from '../../src/search/text-search.js';
import { IndexStore } from '../../src/store/index-store.js';
import { INDEX_MIGRATIONS_DIR, listMigrations, migrate } from '../../src/store/migrations.js';
import { annotationOf, entryOf } from '../helpers/annotations.js';
import { tempDir } from '../helpers/fixtures.js';

describe('IndexStore: findings from the report', () => {
  it('keeps report findings apart from the truth and the generated ones, without a probability', () => {
    const store = IndexStore.open(join(tempDir(), 'index.sqlite'));
    const { label } = store.upsert({
      ...entryOf('a', annotationOf()),
      report: 'Small left pleural effusion.',
      fromReport: {
        annotations: ['Pleural Effusion/left/small'],
        findings: [{ disease: 'pleural effusion', side: 'left', severity: 'small', locations: [], probability: 0.3 }],
      },
    });
    const [stored] = store.entries([label]);
    expect(stored?.fromReport).toEqual({
      annotations: ['Pleural Effusion/left/small'],
      findings: [{ disease: 'pleural effusion', side: 'left', severity: 'small', locations: [] }],
    });
    expect(stored?.truth).toEqual({ annotations: [], findings: [] });
    const sources = store.db.prepare('SELECT source, count(*) AS n FROM findings GROUP BY source ORDER BY 1').all();
    expect(sources).toEqual([
      { source: 'generated', n: 1 },
      { source: 'report', n: 1 },
    ]);
    // An entry written without them (an added image, an older caller) has none.
    const plain = store.upsert(entryOf('b', annotationOf()));
    expect(store.entries([plain.label])[0]?.fromReport).toEqual({ annotations: [], findings: [] });
    store.close();
  });

  it('an index built before report findings opens and answers; its findings keep their sources', () => {
    const path = join(tempDir(), 'index.sqlite');
    const db = new Database(path);
    migrate(
      db,
      listMigrations(INDEX_MIGRATIONS_DIR).filter((m) => m.version <= 4),
      'INDEX_CORRUPT',
    );
    db.prepare(
      `INSERT INTO entries (label, image_id, dataset, file, sequence, disease, confidence, truth, report, first, final, added_at)
       VALUES (7, 'old:1', 'old', '/x.png', '["cardiomegaly"]', 'cardiomegaly', 0.3, '["Pleural Effusion/left"]',
               'Left pleural effusion. No consolidation.', x'00000000', x'00000000', 'then')`,
    ).run();
    db.prepare(
      `INSERT INTO findings (label, source, disease, side, probability) VALUES
         (7, 'generated', 'cardiomegaly', NULL, 0.8), (7, 'truth', 'pleural effusion', 'left', NULL)`,
    ).run();
    db.prepare(
      `INSERT INTO entries_text (rowid, generated, truth, report) VALUES
         (7, 'cardiomegaly', 'Pleural Effusion left', 'Left pleural effusion. No consolidation.')`,
    ).run();
    db.close();

    const store = IndexStore.open(path);
    expect(store.db.pragma('user_version', { simple: true })).toBe(7);
    const [entry] = store.entries([7]);
    expect(entry?.generated.findings).toEqual([{ disease: 'cardiomegaly', locations: [], probability: 0.8 }]);
    expect(entry?.truth.findings).toEqual([{ disease: 'pleural effusion', side: 'left', locations: [] }]);
    expect(entry?.fromReport).toEqual({ annotations: [], findings: [] });
    const vocabulary = { diseases: ['cardiomegaly', 'pleural effusion'] };
    const stated = rankByText(store, parseQuery('left effusion source:truth', vocabulary), 5);
    expect(stated.hits.map((h) => [h.label, h.concepts[0]?.sources])).toEqual([[7, ['truth']]]);
    // Its report text is still searched as it was (all of it, until a rebuild splits it by polarity).
    const word = rankByText(
      store,
      { concepts: [], filters: {}, words: ['consolidation'], source: 'any', unheld: [] },
      5,
    );
    expect(word.hits.map((h) => h.words)).toEqual([[{ word: 'consolidation', fields: ['report'] }]]);
    // And it takes new entries of the new shape.
    const added = store.upsert({
      ...entryOf('new', annotationOf()),
      fromReport: { annotations: ['normal'], findings: [{ disease: 'normal', locations: [] }] },
    });
    expect(store.entries([added.label])[0]?.fromReport.findings).toEqual([{ disease: 'normal', locations: [] }]);
    store.close();
  });
});
