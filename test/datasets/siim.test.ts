import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { maskBox, siimImporter } from '../../src/datasets/siim.js';
import { tempDir, writeText } from '../helpers/fixtures.js';
import { importInto } from '../helpers/import.js';
import { hasShared, sharedPath } from '../helpers/shared-data.js';
import { writeDicomWithTags } from './dicom-with-tags.js';

/** SIIM's encoding of a filled rectangle on a width × height grid: (gap, length) pairs, column by column. */
function rectangleRle(x0: number, y0: number, x1: number, y1: number, height: number): string {
  const pairs: number[] = [];
  let end = 0;
  for (let x = x0; x <= x1; x++) {
    const start = x * height + y0;
    pairs.push(start - end, y1 - y0 + 1);
    end = start + y1 - y0 + 1;
  }
  return pairs.join(' ');
}

describe('SIIM-ACR run-length masks', () => {
  it('decode to the bounding box of the mask, columns first', () => {
    expect(maskBox(rectangleRle(10, 20, 14, 29, 64), 64, 64)).toEqual({
      x: 10,
      y: 20,
      w: 5,
      h: 10,
      frameWidth: 64,
      frameHeight: 64,
    });
    // A run that wraps from the bottom of one column into the next spans every row.
    expect(maskBox('62 4', 64, 64)).toMatchObject({ x: 0, y: 0, w: 2, h: 64 });
    expect(maskBox('4090 10', 64, 64)).toBe('the mask runs past the 64×64 image');
    expect(maskBox('1 2 3', 64, 64)).toBe('EncodedPixels is not pairs of whole numbers');
  });

  it('imports presence, side and zone on the image own grid; patient and view from the nested DICOM files', async () => {
    const root = tempDir();
    const rows = [
      'ImageId, EncodedPixels',
      // The image's left columns are the patient's right; rows 5-14 of 64 are the upper zone.
      `1.2.3.1, ${rectangleRle(5, 5, 15, 14, 64)}`,
      `1.2.3.1, ${rectangleRle(45, 40, 55, 60, 64)}`,
      '1.2.3.2, -1',
      `1.2.3.3, 4090 10`,
    ];
    const labels = writeText(join(root, 'train-rle.csv'), rows.join('\n'));
    writeDicomWithTags(
      join(root, 'dicom-images-train', '1.2.9.1', '1.2.8.1', '1.2.3.1.dcm'),
      { patientId: 'p1', sex: 'F', age: '38', view: 'PA' },
      64,
      64,
    );
    writeDicomWithTags(join(root, 'dicom-images-train', '1.2.9.2', '1.2.8.2', '1.2.3.2.dcm'), { view: 'AP' }, 64, 64);
    writeDicomWithTags(join(root, 'dicom-images-train', '1.2.9.3', '1.2.8.3', '1.2.3.3.dcm'), {}, 64, 64);
    const { catalog, summary } = await importInto('siim', labels);
    expect(summary.skippedItems).toEqual([
      { code: 'RECORD_INVALID', item: '1.2.3.3', message: 'the mask runs past the 64×64 image' },
    ]);
    expect(catalog.db.prepare('SELECT image_id, raw, laterality, location FROM annotations ORDER BY id').all()).toEqual(
      [
        { image_id: 'siim:1.2.3.1', raw: 'Pneumothorax', laterality: 'right', location: '["upper zone"]' },
        { image_id: 'siim:1.2.3.1', raw: 'Pneumothorax', laterality: 'left', location: '["lower zone"]' },
        { image_id: 'siim:1.2.3.2', raw: 'No Pneumothorax', laterality: null, location: '[]' },
      ],
    );
    expect(
      catalog.db
        .prepare(
          'SELECT i.path, i.view, p.sex, p.age FROM images i JOIN studies s ON s.id = i.study_id LEFT JOIN patients p ON p.id = s.patient_id ORDER BY i.id',
        )
        .all(),
    ).toEqual([
      { path: '1.2.9.1/1.2.8.1/1.2.3.1.dcm', view: 'PA', sex: 'F', age: 38 },
      { path: '1.2.9.2/1.2.8.2/1.2.3.2.dcm', view: 'AP', sex: null, age: null },
    ]);
    catalog.close();
  });
});

describe.runIf(hasShared('label-files', 'siim-pneumothorax-train-rle.csv.gz'))(
  'SIIM-ACR: the published mask file',
  () => {
    it('reads all 12,954 rows: 12,047 images, 3,576 pneumothorax regions on both sides, mostly apical, on the 1024² grid', async () => {
      let images = 0;
      const sides = { left: 0, right: 0 };
      let upper = 0;
      let negatives = 0;
      for await (const event of siimImporter.read({
        labels: sharedPath('label-files', 'siim-pneumothorax-train-rle.csv.gz'),
      })) {
        expect('record' in event).toBe(true);
        if (!('record' in event)) continue;
        images++;
        for (const a of event.record.annotations) {
          if (a.raw === 'No Pneumothorax') negatives++;
          if (a.box !== undefined) sides[a.box.x + a.box.w / 2 < 512 ? 'right' : 'left']++;
          if (a.box !== undefined && a.box.y + a.box.h / 2 < 1024 / 3) upper++;
        }
      }
      expect(images).toBe(12047);
      expect(negatives).toBe(9378);
      expect(sides.left + sides.right).toBe(3576);
      expect(Math.min(sides.left, sides.right)).toBeGreaterThan(1000);
      // Air rises: most pneumothoraces of a radiograph taken upright are apical. Read with rows and columns swapped,
      // the masks would instead put nearly all of them on one side.
      expect(upper / 3576).toBeGreaterThan(0.5);
    });

    it.runIf(hasShared('dicom'))(
      'finds the real DICOM file of a row and reads its size and patient from its header',
      async () => {
        const root = tempDir();
        const id = '1.2.276.0.7230010.3.1.4.8323329.6904.1517875201.850819';
        const labels = writeText(join(root, 'train-rle.csv'), `ImageId, EncodedPixels\n${id},-1\n`);
        // Laid out as the challenge publishes it: dicom-images-train/<study>/<series>/<SOP UID>.dcm.
        const images = join(root, 'dicom-images-train');
        const path = `1.2.276.0.7230010.3.1.2.8323329.6904.1517875201.850818/1.2.276.0.7230010.3.1.3.8323329.6904.1517875201.850817/${id}.dcm`;
        mkdirSync(dirname(join(images, path)), { recursive: true });
        copyFileSync(sharedPath('dicom', `siim-${id}.dcm`), join(images, path));
        const records = [];
        for await (const event of siimImporter.read({ labels, images }))
          if ('record' in event) records.push(event.record);
        expect(records).toEqual([
          {
            sourceId: id,
            patient: { id: '16d7f894-55d7-4d95-8957-d18987f0e981', sex: 'M', age: 62 },
            images: [{ id, path, width: 1024, height: 1024, view: 'PA' }],
            annotations: [{ kind: 'finding', raw: 'No Pneumothorax', imageId: id }],
          },
        ]);
      },
    );
  },
);
