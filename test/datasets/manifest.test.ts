import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseColumnMap } from '../../src/datasets/columns.js';
import { Catalog } from '../../src/store/catalog.js';
import { tempDir, writeImage, writeText } from '../helpers/fixtures.js';
import { importInto } from '../helpers/import.js';

describe('manifest importer', () => {
  it('reads CSV with |-separated labels and ;-separated MeSH, grouping images into studies', async () => {
    const root = tempDir();
    await writeImage(join(root, 'a/1.png'));
    await writeImage(join(root, 'a/2.png'));
    await writeImage(join(root, 'b/3.png'));
    writeText(
      join(root, 'collection.csv'),
      [
        'image,study,patient,view,labels,mesh,report',
        'a/1.png,s1,p1,PA,Effusion|Atelectasis,,Small left effusion.',
        'a/2.png,s1,p1,LATERAL,Effusion,,Small left effusion.',
        'b/3.png,,p2,PA,,Cardiomegaly/mild;Scoliosis,Mild cardiomegaly.',
        'c/4.png,s4,p3,PA,,,', // no such file
        'd/5.png,s5', // wrong column count
      ].join('\n'),
    );
    const { catalog, summary } = await importInto('manifest', join(root, 'collection.csv'));
    expect(summary.skippedItems.map((item) => item.code).sort()).toEqual(['CSV_COLUMN_COUNT', 'IMAGE_MISSING']);
    const stats = catalog.stats('collection');
    expect(stats.studies).toBe(2); // s1 and b/3.png; s4's only image is missing, so s4 writes nothing
    expect(stats.images).toBe(3);
    expect(summary.withoutImages).toBe(1);
    const headings = catalog.db.prepare('SELECT heading, severity FROM annotations ORDER BY id').all();
    expect(headings).toEqual([
      { heading: 'effusion', severity: null },
      { heading: 'atelectasis', severity: null },
      { heading: 'effusion', severity: null },
      { heading: 'cardiomegaly', severity: 'mild' },
      { heading: 'scoliosis', severity: null },
    ]);
    catalog.close();
  });

  it('reads JSONL and refuses invalid records with RECORD_INVALID, and paths leaving the folder', async () => {
    const root = tempDir();
    await writeImage(join(root, 'x.png'));
    writeText(
      join(root, 'set.jsonl'),
      [
        JSON.stringify({
          image: 'x.png',
          labels: ['Pneumonia'],
          findings: 'Right lower lobe pneumonia.',
          split: 'test',
        }),
        JSON.stringify({ labels: ['Pneumonia'] }),
        JSON.stringify({ image: 'x.png', split: 'holdout' }),
        '{not json',
        JSON.stringify({ image: '../outside.png' }),
      ].join('\n'),
    );
    const { catalog, summary } = await importInto('manifest', join(root, 'set.jsonl'));
    expect(summary.skippedItems.map((item) => item.code)).toEqual([
      'RECORD_INVALID',
      'RECORD_INVALID',
      'RECORD_INVALID',
      'PATH_OUTSIDE_DATASET',
    ]);
    expect(catalog.db.prepare('SELECT official_split AS split FROM images').all()).toEqual([{ split: 'test' }]);
    expect(catalog.db.prepare('SELECT findings FROM reports').get()).toEqual({
      findings: 'Right lower lobe pneumonia.',
    });
    catalog.close();
  });
});

describe('manifest in any layout', () => {
  const HEADER = 'filename,patientid,finding,clinical_notes,view';

  async function collection(rows: string[]): Promise<string> {
    const root = tempDir();
    for (const file of ['img/a.png', 'img/b.png', 'img/c.png']) await writeImage(join(root, file));
    return writeText(join(root, 'hospital.csv'), [HEADER, ...rows].join('\n'));
  }

  it('refuses a layout it cannot read with one CSV_HEADER naming the columns found and the flag, writing nothing', async () => {
    const csv = await collection(['img/a.png,p1,Pneumonia,Right lower lobe opacity.,PA']);
    const catalog = Catalog.open(join(tempDir(), 'catalog.sqlite'));
    const failure = importInto('manifest', csv, {}, catalog);
    await expect(failure).rejects.toMatchObject({ code: 'CSV_HEADER' });
    const message = ((await failure.catch((error: Error) => error)) as Error).message;
    expect(message).toContain('Columns found: filename, patientid, finding, clinical_notes, view');
    expect(message).toContain('--columns image=<column>');
    expect(catalog.stats().studies).toBe(0);
    // A mapping naming a column the file lacks is refused the same way.
    await expect(
      importInto('manifest', csv, { columns: { image: 'filename', patient: 'pid' } }, catalog),
    ).rejects.toMatchObject({ code: 'CSV_HEADER', details: { found: HEADER.split(',') } });
    catalog.close();
  });

  it('imports with --columns and --label-separator; a row whose image is absent writes nothing', async () => {
    const csv = await collection([
      'img/a.png,p1,Pneumonia;Effusion,Right lower lobe opacity.,PA',
      'img/b.png,p2,No Finding,Clear lungs.,AP',
      'img/missing.png,p3,Cardiomegaly,Enlarged heart.,PA',
    ]);
    const { catalog, summary } = await importInto('manifest', csv, {
      columns: { image: 'filename', patient: 'patientid', labels: 'finding', report: 'clinical_notes' },
      labelSeparator: ';',
    });
    expect(summary.skippedItems.map((item) => `${item.code} ${item.item}`)).toEqual(['IMAGE_MISSING img/missing.png']);
    expect(summary).toMatchObject({ records: 3, written: 2, withoutImages: 1, images: 2, refusedImages: 1 });
    expect(catalog.stats()).toMatchObject({ studies: 2, images: 2, reports: 2 });
    expect(catalog.db.prepare('SELECT raw, heading FROM annotations ORDER BY id').all()).toEqual([
      { raw: 'Pneumonia', heading: 'pneumonia' },
      { raw: 'Effusion', heading: 'effusion' },
      { raw: 'No Finding', heading: 'normal' },
    ]);
    // `view` is named as the field is: it needs no mapping.
    expect(catalog.db.prepare('SELECT view FROM images ORDER BY id').all()).toEqual([{ view: 'PA' }, { view: 'AP' }]);
    expect(catalog.db.prepare('SELECT patient_id FROM studies ORDER BY id').all()).toEqual([
      { patient_id: 'hospital:p1' },
      { patient_id: 'hospital:p2' },
    ]);
    catalog.close();
  });

  it('reports a second row naming the same image with both rows, and reads on past an unterminated quote', async () => {
    const csv = await collection([
      'img/a.png,p1,Pneumonia,first,PA',
      'img/c.png,p3,Mass,"this quote never closes,PA',
      'img/b.png,p2,Effusion,fine,PA',
      'img/a.png,p9,Nodule,second,PA',
    ]);
    const { catalog, summary } = await importInto('manifest', csv, {
      columns: { image: 'filename', patient: 'patientid', labels: 'finding', report: 'clinical_notes' },
    });
    expect(summary.skippedItems.map((item) => `${item.code} ${item.item}`)).toEqual([
      'CSV_MALFORMED hospital.csv:3',
      'IMAGE_DUPLICATE hospital.csv:5',
    ]);
    const duplicate = summary.skippedItems[1]?.message ?? '';
    expect(duplicate).toContain('patient p9');
    expect(duplicate).toContain('hospital.csv:2 (patient p1');
    expect(catalog.db.prepare('SELECT patient_id FROM studies ORDER BY id').all()).toEqual([
      { patient_id: 'hospital:p1' },
      { patient_id: 'hospital:p2' },
    ]);
    catalog.close();
  });

  it('maps JSONL keys the same way, checked on the first record', async () => {
    const root = tempDir();
    await writeImage(join(root, 'x.png'));
    await writeImage(join(root, 'y.png'));
    const jsonl = writeText(
      join(root, 'set.jsonl'),
      [
        JSON.stringify({ file: 'x.png', dx: 'Atelectasis|Edema', age: '61Y', sex: 'F', pid: 'q1' }),
        JSON.stringify({ file: 'y.png', view: 'AP' }), // a field the first record leaves out
      ].join('\n'),
    );
    await expect(importInto('manifest', jsonl)).rejects.toMatchObject({ code: 'CSV_HEADER' });
    const { catalog } = await importInto('manifest', jsonl, {
      columns: { image: 'file', labels: 'dx', patient: 'pid' },
    });
    expect(catalog.db.prepare('SELECT raw FROM annotations ORDER BY id').all()).toEqual([
      { raw: 'Atelectasis' },
      { raw: 'Edema' },
    ]);
    expect(catalog.db.prepare('SELECT sex, age FROM patients').get()).toEqual({ sex: 'F', age: 61 });
    expect(catalog.db.prepare('SELECT view FROM images ORDER BY id').all()).toEqual([{ view: null }, { view: 'AP' }]);
    catalog.close();
  });
});

describe('--columns', () => {
  it('reads field=column pairs, column names holding commas and spaces included', () => {
    expect(parseColumnMap('image=Image Index,labels=Finding Labels,view=OriginalImage[Width,Height]')).toEqual({
      image: 'Image Index',
      labels: 'Finding Labels',
      view: 'OriginalImage[Width,Height]',
    });
  });

  it('refuses an unknown field or a pair without = with INVALID_OPTION', () => {
    expect(() => parseColumnMap('picture=file')).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => parseColumnMap('image')).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});
