import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chestXray14Importer } from '../../src/datasets/chestxray14.js';
import { groupHeader } from '../../src/datasets/csv.js';
import { mineLabels } from '../../src/labels/mine.js';
import { tempDir, writeImage, writeText } from '../helpers/fixtures.js';
import { importInto } from '../helpers/import.js';
import { hasShared, sharedPath } from '../helpers/shared-data.js';

const HEADER =
  'Image Index,Finding Labels,Follow-up #,Patient ID,Patient Age,Patient Gender,View Position,OriginalImage[Width,Height],OriginalImagePixelSpacing[x,y]';

describe('ChestX-ray14 label files', () => {
  it('groups the bracketed header names that hold commas', () => {
    const columns = groupHeader(HEADER.split(','));
    expect(columns.map((c) => c.name)).toEqual([
      'Image Index',
      'Finding Labels',
      'Follow-up #',
      'Patient ID',
      'Patient Age',
      'Patient Gender',
      'View Position',
      'OriginalImage[Width,Height]',
      'OriginalImagePixelSpacing[x,y]',
    ]);
    expect(columns.reduce((n, c) => n + c.span, 0)).toBe(11);
    expect(groupHeader('Image Index,Finding Label,Bbox [x,y,w,h],,,'.split(',')).map((c) => c.span)).toEqual([1, 1, 4]);
  });

  it('imports findings, boxes (laterality and zone), patients and the published split; skips a short row', async () => {
    const root = tempDir();
    writeText(
      join(root, 'Data_Entry_2017_v2020.csv'),
      [
        HEADER,
        '00000001_000.png,Effusion|Infiltration,0,1,58,M,PA,2682,2749,0.143,0.143',
        '00000001_001.png,No Finding,1,1,58,M,PA,2894,2729,0.143,0.143',
        '00000002_000.png,Cardiomegaly,0,2,81,M,AP,2500,2048,0.168,0.168',
        '00000003_000.png,Mass,0,3,74,F', // short row
      ].join('\n'),
    );
    writeText(
      join(root, 'BBox_List_2017.csv'),
      [
        'Image Index,Finding Label,Bbox [x,y,w,h],,,',
        '00000001_000.png,Effusion,700,750,100,120',
        '00000001_000.png,Infiltrate,100,100,200,200',
      ].join('\n'),
    );
    writeText(join(root, 'train_val_list.txt'), '00000001_000.png\n00000001_001.png\n');
    writeText(join(root, 'test_list.txt'), '00000002_000.png\n');
    for (const file of ['00000001_000.png', '00000001_001.png', '00000002_000.png'])
      await writeImage(join(root, 'images', file));
    const { catalog, summary } = await importInto('chestxray14', join(root, 'Data_Entry_2017_v2020.csv'));
    expect(summary.skippedItems.map((item) => item.code)).toEqual(['CSV_COLUMN_COUNT']);
    const rows = catalog.db.prepare('SELECT raw, heading, laterality, location FROM annotations ORDER BY id').all();
    expect(rows).toEqual([
      // Box centre x = 750/1024 (image right = patient's left), y = 810/1024 → lower zone.
      { raw: 'Effusion', heading: 'effusion', laterality: 'left', location: '["lower zone"]' },
      // BBox spells it Infiltrate; centre (200, 200) → patient's right, upper zone.
      { raw: 'Infiltration', heading: 'infiltration', laterality: 'right', location: '["upper zone"]' },
      { raw: 'No Finding', heading: 'normal', laterality: null, location: '[]' },
      { raw: 'Cardiomegaly', heading: 'cardiomegaly', laterality: null, location: '[]' },
    ]);
    const splits = catalog.db.prepare('SELECT id, official_split AS split, view FROM images ORDER BY id').all();
    expect(splits).toEqual([
      { id: 'nih:00000001_000.png', split: 'train', view: 'PA' },
      { id: 'nih:00000001_001.png', split: 'train', view: 'PA' },
      { id: 'nih:00000002_000.png', split: 'test', view: 'AP' },
    ]);
    expect(catalog.db.prepare("SELECT patient_id FROM studies WHERE id = 'nih:00000001_001'").get()).toEqual({
      patient_id: 'nih:1',
    });
    catalog.close();
  });
});

describe.runIf(hasShared('nih-sample'))('ChestX-ray14: the real NIH sample', () => {
  it('imports all 677 images with their labels and the 32 boxes', async () => {
    const { catalog, summary } = await importInto('chestxray14', sharedPath('nih-sample', 'Data_Entry_2017_v2020.csv'));
    expect(summary.skippedItems).toEqual([]);
    const stats = catalog.stats();
    expect(stats.images).toBe(677);
    expect(stats.imagesByStatus).toEqual({ ok: 677 });
    expect(catalog.db.prepare('SELECT COUNT(*) AS n FROM annotations WHERE box IS NOT NULL').get()).toEqual({ n: 32 });
    const pneumonia = catalog.db
      .prepare("SELECT COUNT(DISTINCT study_id) AS n FROM annotations WHERE heading = 'pneumonia'")
      .get() as { n: number };
    expect(pneumonia.n).toBeGreaterThan(250);
    expect(stats.normalStudies).toBeGreaterThan(250);
    // Mined with a split by patient: no patient's images straddle splits.
    const mined = mineLabels(catalog, { minCases: 20 });
    expect(mined.classes.map((c) => c.name)).toEqual(expect.arrayContaining(['normal', 'pneumonia']));
    const straddling = catalog.db
      .prepare(
        'SELECT s.patient_id FROM image_labels l JOIN images i ON i.id = l.image_id JOIN studies s ON s.id = i.study_id GROUP BY s.patient_id HAVING COUNT(DISTINCT l.split) > 1',
      )
      .all();
    expect(straddling).toEqual([]);
    catalog.close();
  });
});

describe.runIf(hasShared('label-files', 'Data_Entry_2017_v2020.csv.gz'))(
  'ChestX-ray14: the full published label file',
  () => {
    it('parses all 112,120 rows of Data_Entry_2017_v2020.csv.gz with the 984 boxes beside it', async () => {
      let records = 0;
      let boxes = 0;
      for await (const event of chestXray14Importer.read({
        labels: sharedPath('label-files', 'Data_Entry_2017_v2020.csv.gz'),
      })) {
        expect('record' in event).toBe(true);
        if ('record' in event) {
          records++;
          boxes += event.record.annotations.filter((a) => a.box !== undefined).length;
        }
      }
      expect(records).toBe(112120);
      expect(boxes).toBeGreaterThan(900);
    });
  },
);
