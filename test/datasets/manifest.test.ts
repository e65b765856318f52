import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
    expect(stats.studies).toBe(3);
    expect(stats.images).toBe(3);
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
