import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OBSERVATIONS } from '../../src/datasets/chexpert.js';
import { readCsv } from '../../src/datasets/csv.js';
import { Catalog } from '../../src/store/catalog.js';
import { tempDir, writeImage, writeText } from '../helpers/fixtures.js';
import { importInto } from '../helpers/import.js';
import { hasShared, sharedPath } from '../helpers/shared-data.js';

const HEADER = `Path,Sex,Age,Frontal/Lateral,AP/PA,${OBSERVATIONS.join(',')}`;
const labels = (values: Record<string, string>) => OBSERVATIONS.map((o) => values[o] ?? '').join(',');

async function chexpertFixture(): Promise<string> {
  const root = tempDir();
  const base = 'CheXpert-v1.0-small/train';
  writeText(
    join(root, 'CheXpert-v1.0-small', 'train.csv'),
    [
      HEADER,
      `${base}/patient00001/study1/view1_frontal.jpg,Female,68,Frontal,AP,${labels({ 'No Finding': '1.0', 'Support Devices': '1.0' })}`,
      `${base}/patient00002/study2/view1_frontal.jpg,Female,87,Frontal,AP,${labels({ Cardiomegaly: '-1.0', 'Lung Opacity': '1.0', Edema: '0.0' })}`,
      `${base}/patient00002/study2/view2_lateral.jpg,Female,87,Lateral,,${labels({ Cardiomegaly: '-1.0', 'Lung Opacity': '1.0' })}`,
    ].join('\n'),
  );
  for (const file of [
    'patient00001/study1/view1_frontal.jpg',
    'patient00002/study2/view1_frontal.jpg',
    'patient00002/study2/view2_lateral.jpg',
  ]) {
    await writeImage(join(root, base, file), { format: 'jpeg' });
  }
  return join(root, 'CheXpert-v1.0-small', 'train.csv');
}

describe('CheXpert importer', () => {
  it('groups images into studies and applies the uncertain-label policy', async () => {
    const csv = await chexpertFixture();
    const headings = async (uncertain: 'ones' | 'zeros' | 'keep') => {
      const { catalog, summary } = await importInto('chexpert', csv, { uncertain });
      expect(summary.skippedItems).toEqual([]);
      expect(catalog.stats().studies).toBe(2);
      expect(catalog.stats().imagesByStatus).toEqual({ ok: 3 });
      const rows = catalog.db
        .prepare(
          "SELECT heading || ':' || certainty AS h FROM annotations WHERE image_id LIKE '%patient00002/study2/view1%' ORDER BY heading",
        )
        .all() as Array<{ h: string }>;
      catalog.close();
      return rows.map((row) => row.h);
    };
    expect(await headings('ones')).toEqual(['cardiomegaly:positive', 'lung opacity:positive']);
    expect(await headings('zeros')).toEqual(['lung opacity:positive']);
    expect(await headings('keep')).toEqual(['cardiomegaly:uncertain', 'lung opacity:positive']);
  });

  it('refuses a file without the CheXpert columns with CSV_HEADER', async () => {
    const csv = writeText(join(tempDir(), 'other.csv'), 'a,b\n1,2\n');
    await expect(importInto('chexpert', csv)).rejects.toMatchObject({ code: 'CSV_HEADER' });
  });

  it('refuses a ChestX-ray14 or MIMIC file of the wrong kind once, naming the columns it has, before any row', async () => {
    const folder = tempDir();
    const labels = writeText(join(folder, 'Data_Entry.csv'), 'file,label\nx.png,Mass\n');
    const catalog = Catalog.open(join(tempDir(), 'catalog.sqlite'));
    await expect(importInto('chestxray14', labels, {}, catalog)).rejects.toMatchObject({
      code: 'CSV_HEADER',
      details: { found: ['file', 'label'] },
      message: expect.stringContaining('its columns: file, label'),
    });
    writeText(join(folder, 'mimic-cxr-2.0.0-metadata.csv'), 'image,patient\na,1\n');
    await expect(importInto('mimic', folder, {}, catalog)).rejects.toMatchObject({
      code: 'CSV_HEADER',
      details: { missing: ['dicom_id', 'subject_id', 'study_id'] },
    });
    expect(catalog.stats().studies).toBe(0);
    catalog.close();
  });
});

describe.runIf(hasShared('label-files', 'chexpert_train_first2000.csv'))("CheXpert's real header and rows", () => {
  it('parses the published header and 2,000 rows', async () => {
    let rows = 0;
    let header: string[] = [];
    for await (const event of readCsv(sharedPath('label-files', 'chexpert_train_first2000.csv'))) {
      expect('row' in event).toBe(true);
      if ('row' in event) {
        rows++;
        header = Object.keys(event.row);
      }
    }
    expect(rows).toBe(2000);
    expect(header).toEqual(['Path', 'Sex', 'Age', 'Frontal/Lateral', 'AP/PA', ...OBSERVATIONS]);
  });

  it('imports its records (images absent) with the uncertain ones kept as uncertain', async () => {
    const { catalog, summary } = await importInto(
      'chexpert',
      sharedPath('label-files', 'chexpert_train_first2000.csv'),
      {
        allowMissingImages: true,
      },
    );
    expect(summary.skippedItems).toEqual([]);
    expect(catalog.stats().images).toBe(2000);
    const uncertain = catalog.db
      .prepare("SELECT COUNT(*) AS n FROM annotations WHERE certainty = 'uncertain'")
      .get() as { n: number };
    expect(uncertain.n).toBeGreaterThan(100);
    catalog.close();
  });
});

describe('MIMIC-CXR-JPG importer', () => {
  it('joins labels, metadata and splits, with images at their published paths', async () => {
    const root = tempDir();
    writeText(
      join(root, 'mimic-cxr-2.0.0-chexpert.csv'),
      `subject_id,study_id,${OBSERVATIONS.join(',')}\n10000032,50414267,${labels({ 'Pleural Effusion': '1.0' })}\n`,
    );
    writeText(
      join(root, 'mimic-cxr-2.0.0-metadata.csv'),
      'dicom_id,subject_id,study_id,ViewPosition\nabc,10000032,50414267,PA\ndef,10000032,50414267,LATERAL\n',
    );
    writeText(
      join(root, 'mimic-cxr-2.0.0-split.csv'),
      'dicom_id,study_id,subject_id,split\nabc,50414267,10000032,validate\ndef,50414267,10000032,validate\n',
    );
    await writeImage(join(root, 'files/p10/p10000032/s50414267/abc.jpg'), { format: 'jpeg' });
    const { catalog, summary } = await importInto('mimic', root, { allowMissingImages: true });
    expect(summary.skippedItems).toEqual([]);
    const images = catalog.db
      .prepare('SELECT id, path, status, view, official_split AS split FROM images ORDER BY id')
      .all();
    expect(images).toEqual([
      { id: 'mimic:abc', path: 'files/p10/p10000032/s50414267/abc.jpg', status: 'ok', view: 'PA', split: 'validation' },
      {
        id: 'mimic:def',
        path: 'files/p10/p10000032/s50414267/def.jpg',
        status: 'missing',
        view: 'LATERAL',
        split: 'validation',
      },
    ]);
    expect(catalog.db.prepare('SELECT heading FROM annotations').all()).toEqual([{ heading: 'pleural effusion' }]);
    catalog.close();
  });
});
