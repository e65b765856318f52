import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OBSERVATIONS } from '../../src/datasets/chexpert.js';
import { mimicReportPath, parseMimicReport } from '../../src/datasets/mimic-report.js';
import { mineLabels } from '../../src/labels/mine.js';
import { remineReports } from '../../src/labels/report-findings.js';
import type { Catalog } from '../../src/store/catalog.js';
import { tempDir, writeImage, writeText } from '../helpers/fixtures.js';
import { importInto } from '../helpers/import.js';

const reportFindings = (catalog: Catalog) =>
  catalog.db
    .prepare(
      `SELECT s.source_id AS study, f.raw, f.heading, f.laterality, f.severity, f.hedged
       FROM report_findings f JOIN studies s ON s.id = f.study_id ORDER BY s.source_id, f.id`,
    )
    .all();

/** A MIMIC-CXR report as published: fixed-width lines, de-identified blanks, headed sections. */
const MIMIC_REPORT = `                                 FINAL REPORT
 EXAMINATION:  CHEST (PA AND LAT)

 INDICATION:  ___F with new onset ascites  // eval for infection

 COMPARISON:  None.

 FINDINGS:

 There is no focal consolidation or pneumothorax.  Small right
 pleural effusion.  The cardiomediastinal silhouette is normal.

 IMPRESSION:

 Small right pleural effusion.
`;

describe('reports are findings: mined at import for studies without stated annotations', () => {
  it('a manifest CSV with a report column: its findings are stored with the report as their source', async () => {
    const root = tempDir();
    for (const name of ['a.png', 'b.png', 'c.png', 'd.png']) await writeImage(join(root, name));
    writeText(
      join(root, 'hospital.csv'),
      [
        'image,labels,report',
        'a.png,,Small left pleural effusion.',
        'b.png,,No pleural effusion or pneumothorax. The lungs are clear.',
        // A stated annotation is the study's ground truth: its report is not mined.
        'c.png,Cardiomegaly,Small left pleural effusion.',
        'd.png,,',
      ].join('\n'),
    );
    const { catalog } = await importInto('manifest', join(root, 'hospital.csv'));
    expect(catalog.stats().annotations).toBe(1);
    expect(reportFindings(catalog)).toEqual([
      {
        study: 'a.png',
        raw: 'Pleural Effusion/left/small',
        heading: 'pleural effusion',
        laterality: 'left',
        severity: 'small',
        hedged: 0,
      },
      { study: 'b.png', raw: 'normal', heading: 'normal', laterality: null, severity: null, hedged: 0 },
    ]);
    expect(catalog.stats().reportFindings).toBe(2);

    // `auto` trains on each study's stated annotations, else on what its report says.
    const stats = mineLabels(catalog, { minCases: 1, minHeldOut: 0 });
    expect(stats.patterns).toEqual(
      expect.arrayContaining([
        { pattern: 'pleural effusion', images: 1 },
        { pattern: 'normal', images: 1 },
        { pattern: 'cardiomegaly', images: 1 },
      ]),
    );
    expect(stats.labelledImages).toBe(3);
    const stated = mineLabels(catalog, { minCases: 1, minHeldOut: 0, labels: 'dataset' });
    expect(stated.labelledImages).toBe(1);
    catalog.close();
  });

  it('re-mining is idempotent, and replaces what an older miner stored', async () => {
    const root = tempDir();
    await writeImage(join(root, 'a.png'));
    await writeImage(join(root, 'b.png'));
    writeText(
      join(root, 'set.csv'),
      'image,report\na.png,Small left pleural effusion.\nb.png,Mild cardiomegaly. No effusion.\n',
    );
    const { catalog } = await importInto('manifest', join(root, 'set.csv'));
    const mined = reportFindings(catalog);
    expect(remineReports(catalog)).toEqual({ reports: 2, changed: 0, findings: 2 });
    expect(reportFindings(catalog)).toEqual(mined);
    // What an older miner might have read: a wrong side, and a finding it no longer reads.
    catalog.db.prepare("UPDATE report_findings SET raw = 'Pleural Effusion/right', laterality = 'right'").run();
    catalog.db
      .prepare("INSERT INTO report_findings (study_id, raw, heading) VALUES ('set:b.png', 'Nodule', 'nodule')")
      .run();
    expect(remineReports(catalog)).toEqual({ reports: 2, changed: 2, findings: 2 });
    expect(reportFindings(catalog)).toEqual(mined);
    expect(remineReports(catalog, 'set')).toEqual({ reports: 2, changed: 0, findings: 2 });
    expect(remineReports(catalog, 'other')).toEqual({ reports: 0, changed: 0, findings: 0 });
    // A re-import of an unchanged record keeps its findings (it is a no-op), once.
    await importInto('manifest', join(root, 'set.csv'), {}, catalog);
    expect(reportFindings(catalog)).toEqual(mined);
    catalog.close();
  });

  it('a re-import that adds stated annotations drops the report findings', async () => {
    const root = tempDir();
    await writeImage(join(root, 'a.png'));
    writeText(join(root, 'set.csv'), 'image,report\na.png,Small left pleural effusion.\n');
    const { catalog } = await importInto('manifest', join(root, 'set.csv'));
    expect(reportFindings(catalog)).toHaveLength(1);
    writeText(join(root, 'set.csv'), 'image,labels,report\na.png,Effusion,Small left pleural effusion.\n');
    await importInto('manifest', join(root, 'set.csv'), {}, catalog);
    expect(reportFindings(catalog)).toEqual([]);
    expect(remineReports(catalog)).toEqual({ reports: 0, changed: 0, findings: 0 });
    catalog.close();
  });
});

describe('MIMIC-CXR reports', () => {
  it('parses a report file into its sections, joining the fixed-width lines of a paragraph', () => {
    expect(parseMimicReport(MIMIC_REPORT)).toEqual({
      comparison: 'None.',
      indication: '___F with new onset ascites // eval for infection',
      findings:
        'There is no focal consolidation or pneumothorax. Small right pleural effusion. The cardiomediastinal silhouette is normal.',
      impression: 'Small right pleural effusion.',
    });
    // Without FINDINGS or IMPRESSION, the text after the last heading is the findings; without headings, all of it.
    expect(parseMimicReport(' FINAL REPORT\n INDICATION: cough\n\n TECHNIQUE: PA\n')).toEqual({ indication: 'cough' });
    expect(parseMimicReport(' FINAL REPORT\n PA and lateral views.\n\n The lungs\n are clear.\n')).toEqual({
      findings: 'PA and lateral views.\nThe lungs are clear.',
    });
    expect(mimicReportPath('10000032', '50414267')).toBe('files/p10/p10000032/s50414267.txt');
  });

  /** The MIMIC-CXR-JPG layout, with MIMIC-CXR's report files beside the images. */
  async function mimicFolder(withLabels: boolean): Promise<string> {
    const root = tempDir();
    writeText(
      join(root, 'mimic-cxr-2.0.0-metadata.csv'),
      [
        'dicom_id,subject_id,study_id,ViewPosition',
        'abc,10000032,50414267,PA',
        'def,10000032,53189527,PA',
        'ghi,10000764,57375967,AP',
      ].join('\n'),
    );
    writeText(
      join(root, 'mimic-cxr-2.0.0-split.csv'),
      'dicom_id,study_id,subject_id,split\nabc,50414267,10000032,train\ndef,53189527,10000032,train\nghi,57375967,10000764,test\n',
    );
    if (withLabels) {
      const row = (values: Record<string, string>) => OBSERVATIONS.map((o) => values[o] ?? '').join(',');
      writeText(
        join(root, 'mimic-cxr-2.0.0-chexpert.csv'),
        [
          `subject_id,study_id,${OBSERVATIONS.join(',')}`,
          `10000032,50414267,${row({ 'Pleural Effusion': '1.0' })}`,
          `10000032,53189527,${row({})}`, // a study the labeller left blank
          `10000764,57375967,${row({ Cardiomegaly: '1.0' })}`,
        ].join('\n'),
      );
    }
    writeText(join(root, mimicReportPath('10000032', '50414267')), MIMIC_REPORT);
    writeText(
      join(root, mimicReportPath('10000032', '53189527')),
      ' FINAL REPORT\n FINDINGS: Mild cardiomegaly.\n\n IMPRESSION: No pleural effusion.\n',
    );
    // 57375967 has no report file.
    for (const [subject, study, dicom] of [
      ['10000032', '50414267', 'abc'],
      ['10000032', '53189527', 'def'],
      ['10000764', '57375967', 'ghi'],
    ])
      await writeImage(join(root, `files/p${subject?.slice(0, 2)}/p${subject}/s${study}/${dicom}.jpg`), {
        format: 'jpeg',
      });
    return root;
  }

  it('MIMIC-CXR-JPG with reports: a study the labels leave blank is mined, labelled ones keep their labels', async () => {
    const root = await mimicFolder(true);
    const { catalog, summary } = await importInto('mimic', root);
    expect(summary.skippedItems).toEqual([]);
    const reports = catalog.db.prepare('SELECT study_id, findings, impression FROM reports ORDER BY study_id').all();
    expect(reports).toEqual([
      {
        study_id: 'mimic:s50414267',
        findings: expect.stringContaining('Small right pleural effusion.'),
        impression: 'Small right pleural effusion.',
      },
      { study_id: 'mimic:s53189527', findings: 'Mild cardiomegaly.', impression: 'No pleural effusion.' },
    ]);
    expect(reportFindings(catalog)).toEqual([
      expect.objectContaining({ study: 's53189527', heading: 'cardiomegaly', severity: 'mild' }),
    ]);
    catalog.close();
  });

  it('MIMIC-CXR reports without a label file: every study of the metadata, its report its ground truth', async () => {
    const root = await mimicFolder(false);
    const reportsElsewhere = tempDir();
    const { catalog } = await importInto('mimic', root);
    expect(catalog.stats().studies).toBe(3);
    expect(catalog.stats().annotations).toBe(0);
    expect(reportFindings(catalog)).toEqual([
      expect.objectContaining({ study: 's50414267', heading: 'pleural effusion', laterality: 'right' }),
      expect.objectContaining({ study: 's53189527', heading: 'cardiomegaly' }),
    ]);
    // --reports names another folder: there are none there, so nothing is mined.
    const { catalog: other } = await importInto('mimic', root, { reports: reportsElsewhere });
    expect(other.stats().reports).toBe(0);
    catalog.close();
    other.close();
  });
});
