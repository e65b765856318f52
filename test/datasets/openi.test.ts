import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openiXml, tempDir, writeDicom, writeImage, writeText } from '../helpers/fixtures.js';
import { importInto } from '../helpers/import.js';
import { hasShared, sharedPath } from '../helpers/shared-data.js';

describe('OpenI importer on generated reports', () => {
  const root = tempDir();
  const reports = join(root, 'reports');
  const images = join(root, 'images');

  beforeAll(async () => {
    writeText(join(reports, '1.xml'), openiXml(1, ['normal'], ['CXR1_1_IM-0001-3001', 'CXR1_1_IM-0001-4001']));
    writeText(
      join(reports, '2.xml'),
      openiXml(2, ['Pleural Effusion/left/small', 'Cardiomegaly/mild'], ['CXR2_1_IM-0002-1001']),
    );
    writeText(join(reports, '3.xml'), openiXml(3, ['Calcified Granuloma/lung/upper lobe/right'], []));
    writeText(join(reports, '4.xml'), openiXml(4, ['normal'], ['CXR4_1'], 'x', 'FINDINGS')); // a section is missing
    writeText(join(reports, '5.xml'), '<eCitation><unclosed></eCitation>');
    writeText(join(reports, '6.xml'), openiXml(6, ['Opacity/lung/base/left'], ['../../escape']));
    writeText(join(reports, '7.xml'), openiXml(7, ['Nodule/lung/upper lobe/left'], ['CXR7_corrupt', 'CXR7_good']));
    for (const id of ['CXR1_1_IM-0001-3001', 'CXR1_1_IM-0001-4001', 'CXR2_1_IM-0002-1001', 'CXR7_good']) {
      await writeImage(join(images, `${id}.png`));
    }
    writeText(join(images, 'CXR7_corrupt.png'), 'not an image at all');
  });

  it('imports what is good and skips each bad thing with its code; nothing else is lost', async () => {
    const { catalog, summary } = await importInto('openi', reports, { images });
    const codes = summary.skippedItems.map((item) => `${item.code} ${item.item}`).sort();
    expect(codes).toEqual([
      'IMAGE_UNSUPPORTED CXR7_corrupt.png',
      'PATH_OUTSIDE_DATASET ../../escape.png',
      'REPORT_MALFORMED 4.xml',
      'REPORT_MALFORMED 5.xml',
    ]);
    const stats = catalog.stats();
    // 1, 2, 3 (it names no image), 7 (its corrupt image dropped); 6's only image was refused, so 6 writes nothing.
    expect(stats.studies).toBe(4);
    expect(summary.withoutImages).toBe(1);
    expect(stats.images).toBe(4);
    expect(stats.reportsWithoutImages).toBe(1);
    expect(stats.normalStudies).toBe(1);
    const effusion = catalog.db
      .prepare("SELECT heading, laterality, severity, location FROM annotations WHERE raw LIKE 'Pleural%'")
      .get();
    expect(effusion).toEqual({ heading: 'pleural effusion', laterality: 'left', severity: 'small', location: '[]' });
    const report = catalog.db.prepare("SELECT findings, impression FROM reports WHERE study_id = 'openi:2'").get();
    expect(report).toEqual({ findings: 'No acute disease.', impression: 'See findings.' });
    catalog.close();
  });

  it('is idempotent: a second import writes nothing and changes no count', async () => {
    const { catalog, summary } = await importInto('openi', reports, { images });
    const before = catalog.stats();
    const again = await importInto('openi', reports, { images }, catalog);
    expect(summary.written).toBe(4);
    // Studies 6 and 7 had an image refused, so a re-import retries them (in case the files were fixed).
    expect(again.summary.written).toBe(1);
    expect(again.summary.withoutImages).toBe(1);
    expect(again.summary.unchanged).toBe(3);
    expect(catalog.stats()).toEqual(before);
    catalog.close();
  });

  it('without an image folder, refuses images unless missing ones are allowed', async () => {
    const strict = await importInto('openi', reports, {});
    expect(strict.summary.skippedItems.filter((item) => item.code === 'IMAGE_MISSING').length).toBe(6);
    const lenient = await importInto('openi', reports, { allowMissingImages: true });
    expect(lenient.catalog.stats().imagesByStatus).toEqual({ missing: 6 });
    strict.catalog.close();
    lenient.catalog.close();
  });

  it('reads a DICOM folder as the image source', async () => {
    const dicom = join(root, 'dicom');
    writeDicom(join(dicom, 'CXR2_1_IM-0002-1001.dcm'), {
      width: 8,
      height: 8,
      bits: 16,
      values: Array.from({ length: 64 }, (_, i) => i * 100),
    });
    const { catalog, summary } = await importInto('openi', reports, { dicom, allowMissingImages: true });
    const row = catalog.db
      .prepare("SELECT status, width, path FROM images WHERE id = 'openi:CXR2_1_IM-0002-1001'")
      .get();
    expect(row).toEqual({ status: 'ok', width: 8, path: 'CXR2_1_IM-0002-1001.dcm' });
    expect(summary.missingImages).toBe(4); // the 6 images less CXR2's DICOM and study 6's refused path
    catalog.close();
  });
});

describe.runIf(hasShared('openi-reports', 'ecgen-radiology'))('OpenI importer on the 3,165 real reports', () => {
  it('imports every report without error; counts match the files', async () => {
    const { catalog, summary } = await importInto('openi', sharedPath('openi-reports', 'ecgen-radiology'), {
      allowMissingImages: true,
    });
    expect(summary.skippedItems).toEqual([]);
    const stats = catalog.stats();
    expect(stats.studies).toBe(3165);
    expect(stats.reports).toBe(3165);
    expect(stats.images).toBe(5955);
    expect(stats.imagesByStatus).toEqual({ missing: 5955 });
    expect(stats.reportsWithoutImages).toBe(85);
    expect(stats.normalStudies).toBe(1112);
    catalog.close();
  });
});

describe('OpenI importer: one bad file never aborts the import', () => {
  it('lists a file declaring entities (internal or external) with REPORT_MALFORMED and imports the rest', async () => {
    const reports = tempDir();
    const good = openiXml(1, ['normal'], []);
    writeText(join(reports, '1.xml'), good);
    const withDoctype = (declarations: string, use: string) =>
      openiXml(2, ['normal'], [])
        .replace('<eCitation', `<!DOCTYPE eCitation [${declarations}]>\n<eCitation`)
        .replace('No acute disease.', `No acute disease. ${use}`);
    writeText(join(reports, '2.xml'), withDoctype('<!ENTITY x "expanded">', '&x;'));
    writeText(
      join(reports, '3.xml'),
      withDoctype('<!ENTITY xxe SYSTEM "file:///etc/passwd">', '&xxe;').replace('IUXRId id="2"', 'IUXRId id="3"'),
    );
    writeText(join(reports, '4.xml'), good.replace('IUXRId id="1"', 'IUXRId id="4"'));
    const { catalog, summary } = await importInto('openi', reports, {});
    expect(summary.skippedItems.map((item) => `${item.code} ${item.item}`)).toEqual([
      'REPORT_MALFORMED 2.xml',
      'REPORT_MALFORMED 3.xml',
    ]);
    expect(summary.written).toBe(2);
    expect(catalog.db.prepare('SELECT source_id FROM studies ORDER BY source_id').all()).toEqual([
      { source_id: '1' },
      { source_id: '4' },
    ]);
    catalog.close();
  });
});
