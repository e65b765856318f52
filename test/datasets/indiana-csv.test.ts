import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, writeImage, writeText } from '../helpers/fixtures.js';
import { importInto } from '../helpers/import.js';

describe('Indiana CSV (Kaggle mirror of OpenI)', () => {
  it('joins reports and projections; MeSH strings are ;-separated', async () => {
    const root = tempDir();
    writeText(
      join(root, 'indiana_reports.csv'),
      [
        'uid,MeSH,Problems,image,indication,comparison,findings,impression',
        '1,normal,normal,Xray Chest PA and Lateral,Positive TB test,None.,"The heart is normal, lungs clear.",Normal chest x-XXXX.',
        '2,Cardiomegaly/borderline;Pulmonary Artery/enlarged,Cardiomegaly;Pulmonary Artery,Chest,,,Borderline cardiomegaly.,Borderline heart size.',
      ].join('\n'),
    );
    writeText(
      join(root, 'indiana_projections.csv'),
      [
        'uid,filename,projection',
        '1,1_IM-0001-4001.dcm.png,Frontal',
        '1,1_IM-0001-3001.dcm.png,Lateral',
        '2,2_IM-0652-1001.dcm.png,Frontal',
      ].join('\n'),
    );
    await writeImage(join(root, 'images', '1_IM-0001-4001.dcm.png'));
    const { catalog, summary } = await importInto('indiana-csv', join(root, 'indiana_reports.csv'), {
      images: join(root, 'images'),
      allowMissingImages: true,
    });
    expect(summary.skippedItems).toEqual([]);
    expect(catalog.stats()).toMatchObject({
      studies: 2,
      images: 3,
      imagesByStatus: { ok: 1, missing: 2 },
      normalStudies: 1,
    });
    expect(catalog.db.prepare('SELECT heading, severity FROM annotations ORDER BY id').all()).toEqual([
      { heading: 'normal', severity: null },
      { heading: 'cardiomegaly', severity: 'borderline' },
      { heading: 'pulmonary artery/enlarged', severity: null },
    ]);
    expect(catalog.db.prepare("SELECT findings FROM reports WHERE study_id = 'openi:1'").get()).toEqual({
      findings: 'The heart is normal, lungs clear.',
    });
    catalog.close();
  });
});
