import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { vindrImporter } from '../../src/datasets/vindr.js';
import { tempDir, writeImage, writeText } from '../helpers/fixtures.js';
import { importInto } from '../helpers/import.js';
import { hasShared, sharedPath } from '../helpers/shared-data.js';

const HEADER = 'image_id,class_name,class_id,rad_id,x_min,y_min,x_max,y_max';

/** Three radiologists per image, as in VinDr-CXR's training set; images 200×100 px. */
function writeVindr(root: string): string {
  return writeText(
    join(root, 'train.csv'),
    [
      HEADER,
      // img1: effusion boxed by two of three on the image's right (the patient's left), low; a nodule by one.
      'img1,Pleural effusion,10,R1,150,70,190,95',
      'img1,Pleural effusion,10,R2,152,72,188,96',
      'img1,Nodule/Mass,8,R2,20,10,30,20',
      'img1,No finding,14,R3,,,,',
      // img2: all three say no finding.
      'img2,No finding,14,R1,,,,',
      'img2,No finding,14,R2,,,,',
      'img2,No finding,14,R3,,,,',
      // img3: readers disagree; no finding reaches a majority.
      'img3,Cardiomegaly,3,R4,60,50,140,90',
      'img3,ILD,5,R5,20,20,60,60',
      'img3,No finding,14,R6,,,,',
    ].join('\n'),
  );
}

describe('VinDr-CXR', () => {
  it('combines readers by majority: boxes from the agreeing readers, one per side and zone', async () => {
    const root = tempDir();
    const labels = writeVindr(root);
    for (const id of ['img1', 'img2', 'img3'])
      await writeImage(join(root, 'train', `${id}.png`), { width: 200, height: 100 });
    const { catalog, summary } = await importInto('vindr', labels);
    expect(summary.skippedItems).toEqual([]);
    const rows = catalog.db
      .prepare('SELECT image_id, raw, heading, laterality, location FROM annotations ORDER BY id')
      .all();
    expect(rows).toEqual([
      // Two boxes at the same place are one effusion; x centre 170/200 → the patient's left; y 83/100 → lower zone.
      {
        image_id: 'vindr:img1',
        raw: 'Pleural Effusion',
        heading: 'pleural effusion',
        laterality: 'left',
        location: '["lower zone"]',
      },
      { image_id: 'vindr:img2', raw: 'normal', heading: 'normal', laterality: null, location: '[]' },
    ]);
    expect(catalog.db.prepare('SELECT id, path, width, height FROM images ORDER BY id').all()).toEqual([
      { id: 'vindr:img1', path: 'img1.png', width: 200, height: 100 },
      { id: 'vindr:img2', path: 'img2.png', width: 200, height: 100 },
      { id: 'vindr:img3', path: 'img3.png', width: 200, height: 100 },
    ]);
    catalog.close();
  });

  it('with --agreement any, a finding stated by any reader counts; without the image a box gives no side', async () => {
    const labels = writeVindr(tempDir());
    const records = new Map<string, string[]>();
    for await (const event of vindrImporter.read({ labels, agreement: 'any' }))
      if ('record' in event)
        records.set(
          event.record.sourceId,
          event.record.annotations.map((a) => `${a.raw}${a.box === undefined ? '' : ' (box)'}`),
        );
    expect(Object.fromEntries(records)).toEqual({
      img1: ['Pleural Effusion', 'Nodule/Mass'],
      img2: ['normal'],
      img3: ['Cardiomegaly', 'Lung Diseases, Interstitial'],
    });
  });
});

describe.runIf(hasShared('label-files', 'vinbigdata-train.csv.gz'))('VinDr-CXR: the published label file', () => {
  it('reads all 67,914 readings of 15,000 images, three readers each, into vocabulary headings', async () => {
    const findings = new Map<string, number>();
    let images = 0;
    let undecided = 0;
    for await (const event of vindrImporter.read({ labels: sharedPath('label-files', 'vinbigdata-train.csv.gz') })) {
      expect('record' in event).toBe(true);
      if (!('record' in event)) continue;
      images++;
      if (event.record.annotations.length === 0) undecided++;
      for (const raw of new Set(event.record.annotations.map((a) => a.raw)))
        findings.set(raw, (findings.get(raw) ?? 0) + 1);
    }
    expect(images).toBe(15000);
    // 10,606 images are `No finding` for all three readers (31,818 rows).
    expect(findings.get('normal')).toBe(10606);
    expect(findings.get('Pleural Effusion')).toBeGreaterThan(500);
    expect(findings.get('Lung Diseases, Interstitial')).toBeGreaterThan(100);
    expect(findings.has('Pleural effusion')).toBe(false);
    // Images whose readers agree on no finding at all carry none.
    expect(undecided).toBeGreaterThan(0);
    expect(undecided).toBeLessThan(15000 - 10606);
  });
});
