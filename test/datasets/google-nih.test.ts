import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { googleNihImporter } from '../../src/datasets/google-nih.js';
import { mineLabels } from '../../src/labels/mine.js';
import { tempDir, writeImage, writeText } from '../helpers/fixtures.js';
import { importInto } from '../helpers/import.js';
import { hasShared, sharedPath } from '../helpers/shared-data.js';

const HEADER =
  'Image Index,Finding Labels,Follow-up #,Patient ID,Patient Age,Patient Gender,View Position,OriginalImage[Width,Height],OriginalImagePixelSpacing[x,y],Fracture,Pneumothorax,Airspace opacity,Nodule or mass,Set Id';

describe('NIH Google expert labels', () => {
  it("joins the experts' verdicts onto the ChestX-ray14 labels of the same images", async () => {
    const root = tempDir();
    const labels = writeText(
      join(root, 'google2019_nih-chest-xray-labels.csv'),
      [
        HEADER,
        // NIH: no finding; experts: airspace opacity.
        '00000013_008.png,No Finding,8,13,60,M,AP,3056,2544,0.139,0.139,NO,NO,YES,NO,test',
        // NIH: pneumothorax and effusion; experts: no pneumothorax → the effusion stays.
        '00000013_026.png,Pneumothorax|Effusion,26,13,57,M,AP,2500,2048,0.168,0.168,NO,NO,NO,NO,test',
        // NIH: mass; experts: no nodule or mass, nothing else → normal.
        '00000032_002.png,Mass,2,32,55,F,PA,2500,2048,0.168,0.168,NO,NO,NO,NO,val',
        // Experts: fracture and nodule or mass.
        '00000032_009.png,Nodule,9,32,55,F,PA,2500,2048,0.168,0.168,YES,NO,NO,YES,val',
      ].join('\n'),
    );
    for (const file of ['00000013_008.png', '00000013_026.png', '00000032_002.png', '00000032_009.png'])
      await writeImage(join(root, 'images', file));
    const { catalog, summary } = await importInto('google-nih', labels);
    expect(summary.skippedItems).toEqual([]);
    const rows = catalog.db
      .prepare(
        `SELECT i.path, i.official_split AS split, group_concat(a.raw, ' | ') AS truth FROM images i
         JOIN annotations a ON a.study_id = i.study_id GROUP BY i.id ORDER BY i.id`,
      )
      .all();
    expect(rows).toEqual([
      { path: '00000013_008.png', split: 'test', truth: 'Opacity' },
      { path: '00000013_026.png', split: 'test', truth: 'Pleural Effusion' },
      { path: '00000032_002.png', split: 'validation', truth: 'normal' },
      { path: '00000032_009.png', split: 'validation', truth: 'Fractures, Bone | Nodule or mass' },
    ]);
    expect(catalog.db.prepare("SELECT id, sex, age FROM patients WHERE id = 'nih-google:32'").get()).toEqual({
      id: 'nih-google:32',
      sex: 'F',
      age: 55,
    });
    catalog.close();
  });
});

describe.runIf(hasShared('label-files', 'google2019_nih-chest-xray-labels.csv.gz'))(
  'NIH Google expert labels: the published file',
  () => {
    it('imports all 4,376 images (1,962 test, 2,414 validation) and mines the expert findings as classes', async () => {
      const labels = sharedPath('label-files', 'google2019_nih-chest-xray-labels.csv.gz');
      const { catalog, summary } = await importInto('google-nih', labels, { allowMissingImages: true });
      expect(summary.skippedItems).toEqual([]);
      expect(summary.records).toBe(4376);
      const splits = catalog.db
        .prepare('SELECT official_split AS split, COUNT(*) AS n FROM images GROUP BY 1 ORDER BY 1')
        .all();
      expect(splits).toEqual([
        { split: 'test', n: 1962 },
        { split: 'validation', n: 2414 },
      ]);
      const mined = mineLabels(catalog, { minCases: 30 });
      expect(mined.classes.map((c) => c.name)).toEqual(
        expect.arrayContaining(['normal', 'opacity', 'fractures, bone', 'pneumothorax', 'nodule or mass']),
      );
      catalog.close();
      // No image keeps NIH's own word for what the experts judged.
      for await (const event of googleNihImporter.read({ labels }))
        if ('record' in event)
          for (const a of event.record.annotations) expect(['Nodule', 'Mass', 'No Finding']).not.toContain(a.raw);
    });
  },
);
