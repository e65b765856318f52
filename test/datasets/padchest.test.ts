import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePythonList } from '../../src/datasets/padchest.js';
import { tempDir, writeImage, writeText } from '../helpers/fixtures.js';
import { importInto } from '../helpers/import.js';

/** PadChest's published columns (PADCHEST_chest_x_ray_images_labels_160K_01.02.19.csv), in order. */
const COLUMNS = [
  'ImageID',
  'ImageDir',
  'StudyDate_DICOM',
  'StudyID',
  'PatientID',
  'PatientBirth',
  'PatientSex_DICOM',
  'ViewPosition_DICOM',
  'Projection',
  'MethodProjection',
  'Pediatric',
  'Modality_DICOM',
  'Manufacturer_DICOM',
  'PhotometricInterpretation_DICOM',
  'PixelRepresentation_DICOM',
  'PixelAspectRatio_DICOM',
  'SpatialResolution_DICOM',
  'BitsStored_DICOM',
  'WindowCenter_DICOM',
  'WindowWidth_DICOM',
  'Rows_DICOM',
  'Columns_DICOM',
  'XRayTubeCurrent_DICOM',
  'Exposure_DICOM',
  'ExposureTime_DICOM',
  'RelativeXRayExposure_DICOM',
  'ReportID',
  'Report',
  'MethodLabel',
  'Labels',
  'Localizations',
  'LabelsLocalizationsBySentence',
  'labelCUIS',
  'LocalizationsCUIS',
];

interface Row {
  image: string;
  dir: string;
  study: string;
  patient: string;
  birth: string;
  sex: string;
  projection: string;
  report: string;
  method: string;
  labels: string;
  localizations: string;
  bySentence: string;
}

function csvLine(row: Row): string {
  const values: Record<string, string> = {
    ImageID: row.image,
    ImageDir: row.dir,
    StudyDate_DICOM: '20140915',
    StudyID: row.study,
    PatientID: row.patient,
    PatientBirth: row.birth,
    PatientSex_DICOM: row.sex,
    ViewPosition_DICOM: row.projection === 'L' ? 'LATERAL' : 'POSTEROANTERIOR',
    Projection: row.projection,
    MethodProjection: 'Manual review of DICOM fields',
    Pediatric: 'No',
    Modality_DICOM: 'CR',
    Manufacturer_DICOM: 'PhilipsMedicalSystems',
    PhotometricInterpretation_DICOM: 'MONOCHROME2',
    PixelRepresentation_DICOM: '0',
    PixelAspectRatio_DICOM: '1\\1',
    SpatialResolution_DICOM: '0.139',
    BitsStored_DICOM: '12',
    WindowCenter_DICOM: '2047',
    WindowWidth_DICOM: '4095',
    Rows_DICOM: '40',
    Columns_DICOM: '30',
    ReportID: '4216',
    Report: row.report,
    MethodLabel: row.method,
    Labels: row.labels,
    Localizations: row.localizations,
    LabelsLocalizationsBySentence: row.bySentence,
    labelCUIS: "['C1306645']",
    LocalizationsCUIS: '[]',
  };
  return COLUMNS.map((column) => {
    const value = values[column] ?? '';
    return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
  }).join(',');
}

describe('PadChest', () => {
  it('reads Python-list label columns, nested or not', () => {
    expect(parsePythonList("['pleural effusion', 'cardiomegaly']")).toEqual(['pleural effusion', 'cardiomegaly']);
    expect(parsePythonList("[['pleural effusion', 'loc left'], ['normal']]")).toEqual([
      ['pleural effusion', 'loc left'],
      ['normal'],
    ]);
    expect(parsePythonList('[]')).toEqual([]);
    expect(parsePythonList('nan')).toEqual([]);
  });

  it('imports studies of images with their label lists as vocabulary headings placed by sentence; no report', async () => {
    const root = tempDir();
    const base = { birth: '1939.0', sex: 'M', method: 'Physician', localizations: '[]' };
    const rows: Row[] = [
      {
        ...base,
        image: 'a1.png',
        dir: '0',
        study: 'S1',
        patient: 'P1',
        projection: 'PA',
        report: 'derrame pleural izquierdo , cardiomegalia .',
        labels: "['pleural effusion', 'cardiomegaly', 'unchanged']",
        localizations: "['loc left', 'loc costophrenic angle']",
        bySentence: "[['pleural effusion', 'loc left', 'loc costophrenic angle'], ['cardiomegaly'], ['unchanged']]",
      },
      {
        ...base,
        image: 'a2.png',
        dir: '0',
        study: 'S1',
        patient: 'P1',
        projection: 'L',
        report: 'derrame pleural izquierdo , cardiomegalia .',
        labels: "['pleural effusion', 'cardiomegaly']",
        bySentence: "[['pleural effusion', 'loc left', 'loc costophrenic angle'], ['cardiomegaly']]",
      },
      {
        ...base,
        image: 'b1.png',
        dir: '1',
        study: 'S2',
        patient: 'P2',
        birth: '1980.0',
        sex: 'F',
        projection: 'PA',
        report: 'sin hallazgos patologicos significativos .',
        labels: "['normal']",
        bySentence: "[['normal']]",
      },
      {
        ...base,
        image: 'c1.png',
        dir: '1',
        study: 'S3',
        patient: 'P3',
        projection: 'AP_horizontal',
        report: 'signos de epoc . neumonia basal derecha .',
        method: 'RNN_model',
        labels: "['COPD signs', ' pneumonia']",
        bySentence: '',
      },
      {
        ...base,
        image: 'd1.png',
        dir: '1',
        study: 'S4',
        patient: 'P4',
        projection: 'PA',
        report: '',
        labels: "['exclude']",
        bySentence: "[['exclude']]",
      },
    ];
    const labels = writeText(join(root, 'PADCHEST_labels.csv'), [COLUMNS.join(','), ...rows.map(csvLine)].join('\n'));
    for (const row of rows) await writeImage(join(root, row.dir, row.image), { bits: 16 });
    const { catalog, summary } = await importInto('padchest', labels);
    expect(summary.skippedItems).toEqual([]);
    const annotations = catalog.db
      .prepare('SELECT image_id, kind, raw, heading, laterality, location FROM annotations ORDER BY id')
      .all();
    const effusion = {
      kind: 'mesh',
      raw: 'Pleural Effusion/left/costophrenic angle',
      heading: 'pleural effusion',
      laterality: 'left',
      location: '["costophrenic angle"]',
    };
    const cardiomegaly = {
      kind: 'mesh',
      raw: 'Cardiomegaly',
      heading: 'cardiomegaly',
      laterality: null,
      location: '[]',
    };
    const plain = (raw: string, heading: string) => ({ kind: 'mesh', raw, heading, laterality: null, location: '[]' });
    expect(annotations).toEqual([
      { image_id: 'padchest:a1.png', ...effusion },
      { image_id: 'padchest:a1.png', ...cardiomegaly },
      { image_id: 'padchest:a2.png', ...effusion },
      { image_id: 'padchest:a2.png', ...cardiomegaly },
      { image_id: 'padchest:b1.png', ...plain('normal', 'normal') },
      { image_id: 'padchest:c1.png', ...plain('COPD signs', 'copd signs') },
      { image_id: 'padchest:c1.png', ...plain('Pneumonia', 'pneumonia') },
    ]);
    const images = catalog.db
      .prepare(
        `SELECT i.path, i.view, s.source_id AS study, p.sex, p.age FROM images i JOIN studies s ON s.id = i.study_id
         JOIN patients p ON p.id = s.patient_id ORDER BY i.id`,
      )
      .all();
    expect(images).toEqual([
      { path: '0/a1.png', view: 'PA', study: 'S1', sex: 'M', age: 75 },
      { path: '0/a2.png', view: 'LATERAL', study: 'S1', sex: 'M', age: 75 },
      { path: '1/b1.png', view: 'PA', study: 'S2', sex: 'F', age: 34 },
      { path: '1/c1.png', view: 'AP', study: 'S3', sex: 'M', age: 75 },
      { path: '1/d1.png', view: 'PA', study: 'S4', sex: 'M', age: 75 },
    ]);
    // The Spanish reports are not imported, so neither stored nor mined.
    expect(catalog.db.prepare('SELECT COUNT(*) AS n FROM reports').get()).toEqual({ n: 0 });
    expect(catalog.db.prepare('SELECT COUNT(*) AS n FROM report_findings').get()).toEqual({ n: 0 });
    catalog.close();
  });
});
