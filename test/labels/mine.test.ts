import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mineLabels } from '../../src/labels/mine.js';
import { openiXml, tempDir, writeText } from '../helpers/fixtures.js';
import { importInto } from '../helpers/import.js';
import { hasShared, sharedPath } from '../helpers/shared-data.js';

describe('label mining on generated reports', () => {
  it('makes patterns with enough images the classes, with sequences and whole-report splits', async () => {
    const reports = join(tempDir(), 'reports');
    let id = 0;
    const add = (count: number, mesh: string[]) => {
      for (let i = 0; i < count; i++) {
        id++;
        writeText(join(reports, `${id}.xml`), openiXml(id, mesh, [`I${id}a`, `I${id}b`]));
      }
    };
    add(40, ['normal']);
    add(20, ['Pleural Effusion/left/small']);
    add(18, ['Lung/hypoinflation/mild', 'No Indexing']);
    add(5, ['Nodule/lung/upper lobe/right', 'Cardiomegaly/mild']);
    add(3, ['No Indexing']);
    const { catalog } = await importInto('openi', reports, { allowMissingImages: true });
    const stats = mineLabels(catalog, { minCases: 30, seed: 3 });
    expect(stats.classes.map((c) => [c.name, c.images])).toEqual(
      [
        ['normal', 80],
        ['lung/hypoinflation', 36],
        ['pleural effusion', 40],
      ].sort((a, b) => (b[1] as number) - (a[1] as number)),
    );
    expect(stats.images).toBe(172);
    expect(stats.labelledImages).toBe(166); // the 3 "No Indexing"-only reports (6 images) have no pattern
    expect(stats.patterns.find((p) => p.pattern === 'cardiomegaly + nodule')?.images).toBe(10);
    const sequences = catalog.db
      .prepare("SELECT DISTINCT sequence FROM image_labels WHERE pattern = 'pleural effusion'")
      .all() as Array<{ sequence: string }>;
    expect(sequences.map((s) => JSON.parse(s.sequence))).toEqual([['pleural_effusion', 'left', 'small']]);
    // No report straddles splits.
    const straddling = catalog.db
      .prepare(
        'SELECT i.study_id FROM image_labels l JOIN images i ON i.id = l.image_id GROUP BY i.study_id HAVING COUNT(DISTINCT l.split) > 1',
      )
      .all();
    expect(straddling).toEqual([]);
    // The same seed gives the same split; mining twice replaces rather than adds.
    const before = catalog.db.prepare('SELECT image_id, split FROM image_labels ORDER BY image_id').all();
    mineLabels(catalog, { minCases: 30, seed: 3 });
    expect(catalog.db.prepare('SELECT image_id, split FROM image_labels ORDER BY image_id').all()).toEqual(before);
    catalog.close();
  });

  it('refuses to mine when no pattern has enough cases, with NO_LABELS', async () => {
    const reports = join(tempDir(), 'reports');
    writeText(join(reports, '1.xml'), openiXml(1, ['normal'], ['A']));
    const { catalog } = await importInto('openi', reports, { allowMissingImages: true });
    expect(() => mineLabels(catalog, { minCases: 30 })).toThrow(expect.objectContaining({ code: 'NO_LABELS' }));
    catalog.close();
  });
});

describe.runIf(hasShared('openi-reports', 'ecgen-radiology'))('label mining on the real OpenI reports', () => {
  it("reproduces the paper's ordering and sequence lengths", async () => {
    const { catalog } = await importInto('openi', sharedPath('openi-reports', 'ecgen-radiology'), {
      allowMissingImages: true,
    });
    const stats = mineLabels(catalog);
    const names = stats.classes.map((c) => c.name);
    expect(names[0]).toBe('normal');
    expect(names[1]).toBe('calcified granuloma');
    expect(names.slice(2, 4).sort()).toEqual(['lung/hypoinflation', 'thoracic vertebrae/degenerative']);
    expect(names).toEqual(
      expect.arrayContaining(['calcinosis', 'opacity', 'spine/degenerative', 'cardiomegaly', 'scoliosis']),
    );
    expect(stats.classes.length).toBeGreaterThanOrEqual(12);
    expect(stats.annotationLength.mean).toBeGreaterThan(2.3);
    expect(stats.annotationLength.mean).toBeLessThan(2.8);
    for (const c of stats.classes) expect(c.test).toBeGreaterThanOrEqual(10);
    catalog.close();
  });
});

describe.runIf(hasShared('label-files', 'Data_Entry_2017_v2020.csv.gz'))(
  'label mining on the full ChestX-ray14 label file',
  () => {
    it('imports all 112,120 rows and mines them: classes, sequences and patient-wise splits', async () => {
      const { catalog, summary } = await importInto(
        'chestxray14',
        sharedPath('label-files', 'Data_Entry_2017_v2020.csv.gz'),
        { allowMissingImages: true, batchSize: 2000 },
      );
      expect(summary).toMatchObject({ records: 112_120, written: 112_120, skipped: 0, missingImages: 112_120 });
      const stats = mineLabels(catalog);
      expect(stats.images).toBe(112_120);
      expect(stats.labelledImages).toBe(112_120);
      expect(stats.classes[0]).toMatchObject({ name: 'normal', images: 60_361 });
      expect(stats.classes.map((c) => c.name)).toEqual(
        expect.arrayContaining(['infiltration', 'effusion', 'atelectasis']),
      );
      expect(stats.annotationLength.count).toBe(141_537);
      expect(stats.splits.train + stats.splits.validation + stats.splits.test).toBe(stats.classImages);
      const stored = catalog.db.prepare('SELECT COUNT(*) AS n FROM image_labels').get() as { n: number };
      expect(stored.n).toBe(112_120);
      const straddling = catalog.db
        .prepare(
          `SELECT s.patient_id FROM image_labels l JOIN images i ON i.id = l.image_id JOIN studies s ON s.id = i.study_id
         GROUP BY s.patient_id HAVING COUNT(DISTINCT l.split) > 1 LIMIT 1`,
        )
        .all();
      expect(straddling).toEqual([]);
      catalog.close();
    }, 180_000);
  },
);
