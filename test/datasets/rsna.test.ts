import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rsnaImporter } from '../../src/datasets/rsna.js';
import { mineLabels } from '../../src/labels/mine.js';
import { tempDir, writeText } from '../helpers/fixtures.js';
import { importInto } from '../helpers/import.js';
import { hasShared, sharedPath } from '../helpers/shared-data.js';
import { writeDicomWithTags } from './dicom-with-tags.js';
import { writeZip } from './zip-fixture.js';

describe('RSNA Pneumonia Detection', () => {
  it('imports boxes (side and zone in the image own pixels), Target 0 by the class file, view/sex/age from headers', async () => {
    const root = tempDir();
    writeZip(join(root, 'stage_2_train_labels.csv.zip'), {
      'stage_2_train_labels.csv': [
        'patientId,x,y,width,height,Target',
        'a,5,20,10,10,1',
        'a,45,45,10,10,1',
        'b,,,,,0',
        'c,,,,,0',
      ].join('\n'),
    });
    writeText(
      join(root, 'stage_2_train_images_dicom_headers.csv'),
      [
        ',BodyPartExamined,Filename,Modality,PatientAge,PatientID,PatientSex,ViewPosition',
        '0,CHEST,a.dcm,CR,43,a,F,AP',
        '1,CHEST,b.dcm,CR,155,b,M,PA',
        '2,CHEST,c.dcm,CR,51,c,M,PA',
      ].join('\n'),
    );
    writeText(
      join(root, 'stage_2_detailed_class_info.csv'),
      ['patientId,class', 'a,Lung Opacity', 'a,Lung Opacity', 'b,Normal', 'c,No Lung Opacity / Not Normal'].join('\n'),
    );
    for (const id of ['a', 'b', 'c']) writeDicomWithTags(join(root, 'stage_2_train_images', `${id}.dcm`), {}, 64, 64);
    const { catalog, summary } = await importInto('rsna', join(root, 'stage_2_train_labels.csv.zip'));
    expect(summary.skippedItems).toEqual([]);
    const annotations = catalog.db
      .prepare('SELECT image_id, raw, heading, laterality, location FROM annotations ORDER BY id')
      .all();
    expect(annotations).toEqual([
      // Centre (10, 25) of 64²: the image's left is the patient's right; 25/64 is the middle third.
      { image_id: 'rsna:a', raw: 'Pneumonia', heading: 'pneumonia', laterality: 'right', location: '["middle zone"]' },
      { image_id: 'rsna:a', raw: 'Pneumonia', heading: 'pneumonia', laterality: 'left', location: '["lower zone"]' },
      { image_id: 'rsna:b', raw: 'normal', heading: 'normal', laterality: null, location: '[]' },
      { image_id: 'rsna:c', raw: 'No Pneumonia', heading: 'no pneumonia', laterality: null, location: '[]' },
    ]);
    const images = catalog.db
      .prepare(
        'SELECT i.id, i.view, p.sex, p.age FROM images i JOIN studies s ON s.id = i.study_id JOIN patients p ON p.id = s.patient_id ORDER BY i.id',
      )
      .all();
    expect(images).toEqual([
      { id: 'rsna:a', view: 'AP', sex: 'F', age: 43 },
      { id: 'rsna:b', view: 'PA', sex: 'M', age: null },
      { id: 'rsna:c', view: 'PA', sex: 'M', age: 51 },
    ]);
    expect(mineLabels(catalog, { minCases: 1 }).classes.map((c) => c.name)).toEqual([
      'no pneumonia',
      'normal',
      'pneumonia',
    ]);
    catalog.close();
  });

  it('refuses a zipped label file of another kind with one CSV_HEADER naming the zip, also when it has no rows', async () => {
    const root = tempDir();
    const zip = writeZip(join(root, 'labels.csv.zip'), { 'labels.csv': 'ImageId,EncodedPixels\n' });
    await expect(importInto('rsna', zip)).rejects.toMatchObject({
      code: 'CSV_HEADER',
      message: expect.stringContaining('labels.csv.zip lacks column(s) patientId, x, y, width, height, Target'),
      details: { path: zip, found: ['ImageId', 'EncodedPixels'] },
    });
  });
});

describe.runIf(hasShared('label-files', 'kaggle_stage_2_train_labels.csv.zip'))(
  'RSNA: the published label file',
  () => {
    it('reads all 26,684 images of the zipped labels with the headers file beside it', async () => {
      const counts = { images: 0, boxes: 0, negatives: 0, withView: 0, withSex: 0 };
      for await (const event of rsnaImporter.read({
        labels: sharedPath('label-files', 'kaggle_stage_2_train_labels.csv.zip'),
        headers: sharedPath('label-files', 'kaggle_stage_2_train_images_dicom_headers.csv.gz'),
      })) {
        expect('record' in event).toBe(true);
        if (!('record' in event)) continue;
        const { images, annotations, patient } = event.record;
        counts.images += images.length;
        counts.boxes += annotations.filter((a) => a.raw === 'Pneumonia' && a.box !== undefined).length;
        counts.negatives += annotations.filter((a) => a.raw === 'No Pneumonia').length;
        if (images[0]?.view === 'PA' || images[0]?.view === 'AP') counts.withView++;
        if (patient?.sex === 'M' || patient?.sex === 'F') counts.withSex++;
      }
      // The published counts: 30,227 rows, 9,555 boxes on 6,012 images, 20,672 images without pneumonia.
      expect(counts).toEqual({ images: 26684, boxes: 9555, negatives: 20672, withView: 26684, withSex: 26684 });
    });
  },
);
