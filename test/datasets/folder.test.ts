import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labelFoldersOf, labelsOfFolders } from '../../src/datasets/folder-labels.js';
import { isCxrError } from '../../src/errors.js';
import { mineLabels } from '../../src/labels/mine.js';
import { tempDir, writeImage, writeText } from '../helpers/fixtures.js';
import { importInto } from '../helpers/import.js';
import { hasShared, sharedPath } from '../helpers/shared-data.js';
import { writeDicomWithTags } from './dicom-with-tags.js';

describe('folder names as labels', () => {
  it('maps folder names through the vocabulary to its headings; unknown names stay as written', () => {
    expect(labelsOfFolders(['PNEUMONIA'])).toEqual(['Pneumonia']);
    expect(labelsOfFolders(['Pleural_Effusion'])).toEqual(['Pleural Effusion']);
    expect(labelsOfFolders(['No_findings'])).toEqual(['normal']);
    expect(labelsOfFolders(['NORMAL'])).toEqual(['normal']);
    expect(labelsOfFolders(['0_normal'])).toEqual(['normal']);
    expect(labelsOfFolders(['Lung_Opacity'])).toEqual(['Opacity']);
    expect(labelsOfFolders(['Viral Pneumonia'])).toEqual(['Pneumonia, Viral']);
    expect(labelsOfFolders(['Strange_Thing'])).toEqual(['Strange_Thing']);
  });

  it('reads a nested folder as a refinement, a second finding or a qualifier of its parent', () => {
    expect(labelsOfFolders(['Pneumonia', 'bacterial'])).toEqual(['Pneumonia, Bacterial']);
    expect(labelsOfFolders(['Pneumonia', 'viral'])).toEqual(['Pneumonia, Viral']);
    expect(labelsOfFolders(['Effusion', 'Cardiomegaly'])).toEqual(['Pleural Effusion', 'Cardiomegaly']);
    expect(labelsOfFolders(['Pleural_Effusion', 'left', 'small'])).toEqual(['Pleural Effusion/left/small']);
    expect(labelsOfFolders([])).toEqual([]);
  });

  it('takes split folders as the published split and drops the wrapper and container folders', () => {
    expect(labelFoldersOf(['chest_xray', 'train', 'NORMAL'])).toEqual({ folders: ['NORMAL'], split: 'train' });
    expect(labelFoldersOf(['val', 'PNEUMONIA'])).toEqual({ folders: ['PNEUMONIA'], split: 'validation' });
    expect(labelFoldersOf(['COVID', 'images'])).toEqual({ folders: ['COVID'] });
  });
});

describe('cxr import folder', () => {
  it('imports a split/label layout: labels, published splits, ids from --id-pattern; non-images reported', async () => {
    const root = tempDir();
    const dir = join(root, 'chest_xray');
    await writeImage(join(dir, 'train', 'NORMAL', 'IM-0001-0001.jpeg'), { format: 'jpeg' });
    await writeImage(join(dir, 'train', 'PNEUMONIA', 'person1_bacteria_1.jpeg'), { format: 'jpeg' });
    await writeImage(join(dir, 'train', 'PNEUMONIA', 'person1_virus_2.jpeg'), { format: 'jpeg' });
    await writeImage(join(dir, 'test', 'PNEUMONIA', 'person2_virus_3.png'));
    writeText(join(dir, 'train', 'NORMAL', 'broken.png'), 'not a png');
    writeText(join(dir, 'README.txt'), 'a chest X-ray collection');
    writeText(join(dir, 'train', '.DS_Store'), 'x');
    const { catalog, summary } = await importInto('folder', dir, { idPattern: 'person(?<patient>\\d+)_' });
    expect(summary.skippedItems).toEqual([
      expect.objectContaining({ code: 'IMAGE_UNSUPPORTED', item: 'train/NORMAL/broken.png' }),
    ]);
    expect(summary.images).toBe(4);
    const images = catalog.db
      .prepare(
        `SELECT i.path, i.official_split AS split, s.patient_id AS patient, a.raw, a.heading
         FROM images i JOIN studies s ON s.id = i.study_id JOIN annotations a ON a.image_id = i.id ORDER BY i.path`,
      )
      .all();
    expect(images).toEqual([
      {
        path: 'test/PNEUMONIA/person2_virus_3.png',
        split: 'test',
        patient: 'chest_xray:2',
        raw: 'Pneumonia',
        heading: 'pneumonia',
      },
      { path: 'train/NORMAL/IM-0001-0001.jpeg', split: 'train', patient: null, raw: 'normal', heading: 'normal' },
      {
        path: 'train/PNEUMONIA/person1_bacteria_1.jpeg',
        split: 'train',
        patient: 'chest_xray:1',
        raw: 'Pneumonia',
        heading: 'pneumonia',
      },
      {
        path: 'train/PNEUMONIA/person1_virus_2.jpeg',
        split: 'train',
        patient: 'chest_xray:1',
        raw: 'Pneumonia',
        heading: 'pneumonia',
      },
    ]);
    // Re-importing changes nothing.
    const again = await importInto('folder', dir, { idPattern: 'person(?<patient>\\d+)_' }, catalog);
    expect(again.summary.unchanged).toBe(4);
    expect(again.summary.written).toBe(0);
    catalog.close();
  });

  it('reads DICOM files without an extension: view, patient, study and sex from their tags; masks left out', async () => {
    const dir = join(tempDir(), 'COVID-Radiography');
    writeDicomWithTags(join(dir, 'Pleural_Effusion', 'left', 'IM0001'), {
      patientId: 'P7',
      studyUid: '1.2.3.7',
      view: 'PA',
      sex: 'F',
      age: '063Y',
    });
    writeDicomWithTags(join(dir, 'Pleural_Effusion', 'left', 'IM0002'), {
      patientId: 'P7',
      studyUid: '1.2.3.7',
      view: 'LL',
    });
    writeDicomWithTags(join(dir, 'No_findings', 'images', 'scan.dcm'), { view: 'AP' });
    await writeImage(join(dir, 'Pneumonia', 'bacterial', 'a.png'));
    await writeImage(join(dir, 'Pneumonia', 'masks', 'a.png'));
    await writeImage(join(dir, 'loose.png'));
    const { catalog, summary } = await importInto('folder', dir);
    expect(summary.skippedItems).toEqual([
      expect.objectContaining({ code: 'IMAGE_UNSUPPORTED', item: 'Pneumonia/masks/' }),
    ]);
    const studies = catalog.db
      .prepare(
        `SELECT s.source_id AS study, s.patient_id AS patient, p.sex, p.age, group_concat(i.view) AS views
         FROM studies s LEFT JOIN patients p ON p.id = s.patient_id JOIN images i ON i.study_id = s.id
         GROUP BY s.id ORDER BY s.source_id`,
      )
      .all();
    expect(studies).toEqual([
      { study: 'No_findings/images/scan', patient: null, sex: null, age: null, views: 'AP' },
      { study: 'P7/1.2.3.7', patient: 'COVID-Radiography:P7', sex: 'F', age: 63, views: 'PA,LL' },
      { study: 'Pneumonia/bacterial/a', patient: null, sex: null, age: null, views: null },
      { study: 'loose', patient: null, sex: null, age: null, views: null },
    ]);
    const annotations = catalog.db
      .prepare('SELECT image_id, raw, heading, laterality FROM annotations ORDER BY image_id')
      .all();
    expect(annotations).toEqual([
      { image_id: 'COVID-Radiography:No_findings/images/scan.dcm', raw: 'normal', heading: 'normal', laterality: null },
      {
        image_id: 'COVID-Radiography:Pleural_Effusion/left/IM0001',
        raw: 'Pleural Effusion/left',
        heading: 'pleural effusion',
        laterality: 'left',
      },
      {
        image_id: 'COVID-Radiography:Pleural_Effusion/left/IM0002',
        raw: 'Pleural Effusion/left',
        heading: 'pleural effusion',
        laterality: 'left',
      },
      {
        image_id: 'COVID-Radiography:Pneumonia/bacterial/a.png',
        raw: 'Pneumonia, Bacterial',
        heading: 'pneumonia, bacterial',
        laterality: null,
      },
    ]);
    catalog.close();
  });

  it('follows links to image files (label folders built of links), not links to folders', async () => {
    // Links stay inside the collection's folder: one leading outside it is the import's to refuse.
    const dir = join(tempDir(), 'sorted');
    const original = await writeImage(join(dir, 'all', 'x.png'));
    mkdirSync(join(dir, 'Cardiomegaly'), { recursive: true });
    await writeImage(join(dir, 'NORMAL', 'y.png'));
    symlinkSync(original, join(dir, 'Cardiomegaly', 'x.png'));
    symlinkSync(join(dir, 'all'), join(dir, 'Edema'));
    const { catalog } = await importInto('folder', dir);
    expect(catalog.db.prepare('SELECT image_id, raw FROM annotations ORDER BY image_id').all()).toEqual([
      { image_id: 'sorted:Cardiomegaly/x.png', raw: 'Cardiomegaly' },
      { image_id: 'sorted:NORMAL/y.png', raw: 'normal' },
      { image_id: 'sorted:all/x.png', raw: 'all' },
    ]);
    catalog.close();
  });

  it('refuses a folder without images, an id pattern without groups and one that matches nothing', async () => {
    const empty = tempDir();
    writeText(join(empty, 'notes.txt'), 'nothing here');
    await expect(importInto('folder', empty)).rejects.toSatisfy(
      (error) => isCxrError(error) && error.code === 'DATASET_NOT_FOUND',
    );
    const dir = tempDir();
    await writeImage(join(dir, 'Cardiomegaly', 'x.png'));
    for (const idPattern of ['(\\d+)', '(?<patient>\\d{9})', '(?<patient>['])
      await expect(importInto('folder', dir, { idPattern })).rejects.toSatisfy(
        (error) => isCxrError(error) && error.code === 'INVALID_OPTION',
      );
  });
});

describe.runIf(hasShared('nih-64'))('cxr import folder: the real nih-64 layout', () => {
  it('imports {train,valid,test}/{0_normal,1_abnormal} with the publisher splits and mines both classes', async () => {
    const { catalog, summary } = await importInto('folder', sharedPath('nih-64'));
    expect(summary.skippedItems).toEqual([]);
    expect(summary.images).toBe(950);
    const classes = catalog.db
      .prepare(
        'SELECT heading, official_split AS split, COUNT(*) AS n FROM annotations a JOIN images i ON i.id = a.image_id GROUP BY 1, 2 ORDER BY 1, 2',
      )
      .all() as Array<{ heading: string; split: string; n: number }>;
    expect(new Set(classes.map((c) => c.heading))).toEqual(new Set(['normal', '1_abnormal']));
    expect(new Set(classes.map((c) => c.split))).toEqual(new Set(['train', 'validation', 'test']));
    expect(classes.reduce((n, c) => n + c.n, 0)).toBe(950);
    // The publisher's counts: 472 normal images (298 train, 74 valid, 100 test).
    expect(classes.filter((c) => c.heading === 'normal').map((c) => [c.split, c.n])).toEqual([
      ['test', 100],
      ['train', 298],
      ['validation', 74],
    ]);
    const mined = mineLabels(catalog, { minCases: 20 });
    expect(mined.classes.map((c) => c.name).sort()).toEqual(['1_abnormal', 'normal']);
    catalog.close();
  });
});

describe.runIf(hasShared('dicom'))('cxr import folder: the real SIIM DICOM files', () => {
  it('reads patient, study, sex, age and view from their headers (JPEG-compressed, read up to the pixel data)', async () => {
    const { catalog } = await importInto('folder', sharedPath('dicom'), { verify: 'none' });
    const rows = catalog.db
      .prepare(
        `SELECT s.source_id AS study, p.sex, p.age, i.view, i.width, i.height, COUNT(*) AS images
         FROM images i JOIN studies s ON s.id = i.study_id JOIN patients p ON p.id = s.patient_id GROUP BY s.id`,
      )
      .all();
    // Both files are the same SIIM image (one declared MONOCHROME1): one patient, one study.
    expect(rows).toEqual([
      {
        study: '16d7f894-55d7-4d95-8957-d18987f0e981/1.2.276.0.7230010.3.1.2.8323329.6904.1517875201.850818',
        sex: 'M',
        age: 62,
        view: 'PA',
        width: 1024,
        height: 1024,
        images: 2,
      },
    ]);
    catalog.close();
  });
});
