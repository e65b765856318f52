import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mineLabels } from '../../../src/labels/mine.js';
import { evaluateMiner, type LabelledReport } from '../../../src/labels/reports/evaluate.js';
import { mineReport } from '../../../src/labels/reports/miner.js';
import { readReports } from '../../../src/labels/reports/sources.js';
import { openiXml, tempDir, writeText } from '../../helpers/fixtures.js';
import { importInto } from '../../helpers/import.js';
import { hasShared, sharedPath } from '../../helpers/shared-data.js';

const mesh = (findings: string, impression?: string) => mineReport({ findings, impression }).mesh;

describe('report miner: negation and uncertainty', () => {
  it('negates every finding a negation reaches, and nothing beyond its clause', () => {
    expect(mesh('No pleural effusion or pneumothorax.')).toEqual(['normal']);
    expect(mesh('Lungs are clear without focal consolidation, effusion, or pneumothorax.')).toEqual(['normal']);
    expect(mesh('Negative for pneumothorax, pleural effusion or large focal airspace consolidation.')).toEqual([
      'normal',
    ]);
    expect(mesh('The lungs are clear of infiltrate. Clear of edema.')).toEqual(['normal']);
    expect(mesh('Mild cardiomegaly without pleural effusion.')).toEqual(['Cardiomegaly/mild']);
    expect(mesh('No pneumothorax, but there is a small left pleural effusion.')).toEqual([
      'Pleural Effusion/left/small',
    ]);
    expect(mesh('Previously seen right pneumothorax has resolved.')).toEqual(['normal']);
    expect(mesh('A pleural effusion is not seen.')).toEqual(['normal']);
  });

  it('reads what has cleared as gone, and a view named by its side as no side', () => {
    expect(
      mesh('Cleared left lower lobe airspace disease with persistent right middle lobe airspace disease.'),
    ).toEqual(['Airspace Disease/middle lobe/right']);
    expect(mesh('There has been clearing of the left base airspace disease.')).toEqual(['normal']);
    expect(mesh('Small right pneumothorax only visible on the left lateral decubitus film.')).toEqual([
      'Pneumothorax/right/small',
    ]);
  });

  it('reads a disclaimer, a request and a finding said to be normal as no finding', () => {
    expect(mesh('Please note that nondisplaced fractures may not be demonstrated.')).toEqual(['normal']);
    expect(mesh('Limited exam, for evaluation of fractures.')).toEqual(['Technical Quality of Image Unsatisfactory']);
    expect(mesh('Heart size and pulmonary vascular engorgement appear within limits of normal.')).toEqual(['normal']);
    expect(mesh('The lateral most screw is fractured. Fracture of the lateral most fixation screw.')).toEqual([
      'normal',
    ]);
  });

  it('does not index the differential offered for a finding', () => {
    expect(mesh('Right basilar opacity which may represent atelectasis or infiltrate.')).toEqual([
      'Opacity/base/right',
    ]);
    expect(mesh('Pneumonia cannot be excluded.')).not.toContain('Pneumonia');
  });

  it('calls a report without positive findings normal, and tolerates XXXX placeholders', () => {
    const report = mineReport({
      findings:
        'The XXXX examination consists of frontal and lateral radiographs. Heart size is normal. No focal XXXX.',
      impression: 'Normal chest x-XXXX.',
    });
    expect(report).toMatchObject({ normal: true, mesh: ['normal'] });
  });
});

describe('report miner: laterality, location and severity attach to the right finding', () => {
  it('gives competing sides each to its nearest finding', () => {
    expect(mesh('Left pleural effusion and right lower lobe atelectasis.')).toEqual([
      'Pleural Effusion/left',
      'Pulmonary Atelectasis/lower lobe/right',
    ]);
  });

  it('shares an unopposed modifier across coordinated findings', () => {
    expect(mesh('Mild right basilar atelectasis and scarring.')).toEqual([
      'Pulmonary Atelectasis/base/right/mild',
      'Cicatrix/base/right/mild',
    ]);
  });

  it('reads bilateral from both sides or from bibasilar', () => {
    expect(mesh('Small bilateral pleural effusions.')).toEqual(['Pleural Effusion/bilateral/small']);
    expect(mesh('Bibasilar atelectasis.')).toEqual(['Pulmonary Atelectasis/base/bilateral']);
    expect(mesh('Small left and right pleural effusions.')).toEqual(['Pleural Effusion/bilateral/small']);
  });

  it('gives a place phrase to the finding it follows, and shares it back along a coordination', () => {
    expect(mesh('Opacities in the right lower lung representing atelectasis versus scarring.')).toEqual([
      'Opacity/right',
      'Pulmonary Atelectasis/right',
      'Cicatrix/right',
    ]);
    expect(mesh('Minimal atelectasis or scar in the left lung base.')).toEqual([
      'Pulmonary Atelectasis/base/left/mild',
      'Cicatrix/base/left/mild',
    ]);
    expect(mesh('Opacities in the left lung base, XXXX atelectasis.')).toEqual([
      'Opacity/base/left',
      'Pulmonary Atelectasis/base/left',
    ]);
  });

  it('gives an adjective finding the side of the noun it qualifies', () => {
    expect(mesh('Calcified right hilar nodules.')).toEqual(['Calcinosis/hilum/right', 'Nodule/hilum/right']);
  });

  it('reads paired structures in the plural, and unsided bases or apices, as both sides', () => {
    expect(mesh('Atelectasis in the lung bases.')).toEqual(['Pulmonary Atelectasis/base/bilateral']);
    expect(mesh('Flattening of the diaphragms.')).toEqual(['Diaphragm/flattened/bilateral']);
    expect(mesh('Patchy basilar atelectasis.')).toEqual(['Pulmonary Atelectasis/base/bilateral']);
    expect(mesh('Opacity within the right middle and lower lobes.')).toEqual(['Opacity/lower lobe/right']);
    expect(mesh('Elevated hemidiaphragms, greater on the right.')).toEqual(['Diaphragm/elevated/bilateral']);
    expect(mesh('Left basilar opacity. Basilar atelectasis.')).toEqual([
      'Opacity/base/left',
      'Pulmonary Atelectasis/base/bilateral',
    ]);
  });

  it('writes one finding at two places on two sides as two annotations', () => {
    expect(mesh('Patchy opacities in the left apex and right base.')).toEqual([
      'Opacity/apex/left',
      'Opacity/base/right',
    ]);
    expect(mesh('Left and right lower lobe opacities.')).toEqual(['Opacity/lower lobe/bilateral']);
  });

  it('reads a plural pleural finding as both sides, and gives a device the side where it lies', () => {
    expect(mesh('Small effusions.')).toEqual(['Pleural Effusion/bilateral/small']);
    expect(mesh('Surgical clips in the right neck and left mediastinum.')).toEqual([
      'Surgical Instruments/left',
      'Surgical Instruments/right',
    ]);
    expect(mesh('The pacemaker generator overlies the left upper thorax with leads in the right ventricle.')).toEqual([
      'Implanted Medical Device/left',
    ]);
    expect(mesh('Right internal jugular central line has been removed.')).toEqual(['normal']);
  });

  it('maps severity and size words', () => {
    expect(mesh('Moderate cardiomegaly.')).toEqual(['Cardiomegaly/moderate']);
    expect(mesh('Large right pneumothorax.')).toEqual(['Pneumothorax/right/large']);
    expect(mesh('Minimal degenerative changes of the thoracic spine.')).toEqual([
      'Thoracic Vertebrae/degenerative/mild',
    ]);
    expect(mesh('Heart size is borderline enlarged.')).toEqual(['Cardiomegaly/borderline']);
  });

  it('indexes headings as OpenI does: emphysema placed in the lungs, image quality, no sternotomy wires', () => {
    expect(mesh('Hyperinflated lungs. Emphysema.')).toEqual(['Lung/hyperdistention', 'Emphysema']);
    expect(mesh('Emphysematous changes of the lungs.')).toEqual(['Pulmonary Emphysema']);
    expect(mesh('Bilateral emphysematous changes.')).toEqual(['Pulmonary Emphysema/bilateral']);
    expect(mesh('Findings compatible with obstructive pulmonary disease and emphysema.')).toEqual([
      'Pulmonary Disease, Chronic Obstructive',
      'Emphysema',
    ]);
    expect(mesh('Limited bone evaluation reveals no acute abnormality.')).toEqual(['normal']);
    expect(mesh('Exam limited by patient rotation.')).toEqual(['Technical Quality of Image Unsatisfactory']);
    expect(mesh('Impacted and rotated fracture of the femoral neck.')).toEqual(['Fractures, Bone']);
    expect(mesh('Median sternotomy wires are intact.')).toEqual(['normal']);
    expect(mesh('Sternotomy wires and mediastinal surgical clips.')).toEqual(['Surgical Instruments']);
  });

  it('keeps anatomy headings with their qualifier and prefers the specific finding', () => {
    expect(mesh('Low lung volumes.')).toEqual(['Lung/hypoinflation']);
    expect(mesh('The lungs are hyperexpanded.')).toEqual(['Lung/hyperdistention']);
    expect(mesh('Calcified granuloma in the right upper lobe.')).toEqual(['Calcified Granuloma/upper lobe/right']);
  });
});

describe('report mining in the label pipeline (--labels reports)', () => {
  it('mines classes from report text when a collection has no annotations', async () => {
    const reports = join(tempDir(), 'reports');
    for (let i = 1; i <= 30; i++)
      writeText(
        join(reports, `${i}.xml`),
        openiXml(i, ['No Indexing'], [`A${i}`], 'There is a small left pleural effusion.'),
      );
    for (let i = 31; i <= 60; i++)
      writeText(
        join(reports, `${i}.xml`),
        openiXml(i, ['No Indexing'], [`A${i}`], 'No pleural effusion or pneumothorax.'),
      );
    const { catalog } = await importInto('openi', reports, { allowMissingImages: true });
    expect(() => mineLabels(catalog, { minCases: 20, labels: 'mesh' })).toThrow(
      expect.objectContaining({ code: 'NO_LABELS' }),
    );
    const stats = mineLabels(catalog, { minCases: 20, labels: 'reports' });
    expect(stats.classes.map((c) => [c.name, c.images])).toEqual([
      ['normal', 30],
      ['pleural effusion', 30],
    ]);
    const sequence = catalog.db
      .prepare("SELECT sequence FROM image_labels WHERE pattern = 'pleural effusion' LIMIT 1")
      .get() as { sequence: string };
    expect(JSON.parse(sequence.sequence)).toEqual(['pleural_effusion', 'left', 'small']);
    catalog.close();
  });

  it('reads reports from a CSV with one free-text column', async () => {
    const csv = writeText(
      join(tempDir(), 'export.csv'),
      'id,report\nA,"Small right pneumothorax. No effusion."\nB,"Normal chest."\n',
    );
    const events = [];
    for await (const event of readReports(csv)) events.push(event);
    expect(events.map((e) => ('report' in e ? [e.report.id, mineReport(e.report.report).mesh] : e))).toEqual([
      ['A', ['Pneumothorax/right/small']],
      ['B', ['normal']],
    ]);
  });
});

describe.runIf(hasShared('openi-reports', 'ecgen-radiology'))('report miner on the 3,165 real OpenI reports', () => {
  it('reaches heading micro-F1 ≥ 0.85 and normal-vs-abnormal accuracy ≥ 0.93 against MeSH/major', async () => {
    const labelled: LabelledReport[] = [];
    for await (const event of readReports(sharedPath('openi-reports', 'ecgen-radiology'))) {
      if ('report' in event)
        labelled.push({ id: event.report.id, report: event.report.report, gold: event.report.gold ?? [] });
    }
    const evaluation = evaluateMiner(labelled);
    process.stderr.write(
      `report miner on OpenI: micro-F1 ${evaluation.headings.microF1.toFixed(3)}, macro-F1 ${evaluation.headings.macroF1.toFixed(3)}, side F1 ${evaluation.headingSide.f1.toFixed(3)}, severity F1 ${evaluation.headingSeverity.f1.toFixed(3)}, normal accuracy ${evaluation.normalAccuracy.toFixed(3)}\n`,
    );
    expect(evaluation.reports + evaluation.unindexed).toBe(3165);
    expect(evaluation.unindexed).toBe(76);
    expect(evaluation.headings.microF1).toBeGreaterThanOrEqual(0.85);
    expect(evaluation.normalAccuracy).toBeGreaterThanOrEqual(0.93);
  });
});
