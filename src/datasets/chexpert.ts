import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cxrError } from '../errors.js';
import { type CsvRow, readCsv, requireColumns } from './csv.js';
import { mimicReportPath, parseMimicReport } from './mimic-report.js';
import type { AnnotationRecord, ImageRecord, ImportEvent, Importer, ReportSections, StudyRecord } from './record.js';

/** The 14 CheXpert observations; MIMIC-CXR-JPG's label files use the same names. */
export const OBSERVATIONS = [
  'No Finding',
  'Enlarged Cardiomediastinum',
  'Cardiomegaly',
  'Lung Opacity',
  'Lung Lesion',
  'Edema',
  'Consolidation',
  'Pneumonia',
  'Atelectasis',
  'Pneumothorax',
  'Pleural Effusion',
  'Pleural Other',
  'Fracture',
  'Support Devices',
] as const;

/**
 * What an uncertain label (−1) becomes: `ones` counts it as present (U-Ones), `zeros` as absent (U-Zeros), `keep`
 * stores it as an uncertain annotation that label mining leaves out of the classes.
 */
export const UNCERTAIN_POLICIES = ['ones', 'zeros', 'keep'] as const;
export type UncertainPolicy = (typeof UNCERTAIN_POLICIES)[number];

/** 1 → positive, −1 → per policy, 0 or blank → nothing. */
export function observationsOf(row: CsvRow, policy: UncertainPolicy, imageId?: string): AnnotationRecord[] {
  const annotations: AnnotationRecord[] = [];
  for (const observation of OBSERVATIONS) {
    const value = Number.parseFloat(row[observation] ?? '');
    const base = imageId === undefined ? {} : { imageId };
    if (value === 1) annotations.push({ kind: 'finding', raw: observation, ...base });
    else if (value === -1 && policy === 'ones') annotations.push({ kind: 'finding', raw: observation, ...base });
    else if (value === -1 && policy === 'keep')
      annotations.push({ kind: 'finding', raw: observation, certainty: 'uncertain', ...base });
  }
  return annotations;
}

export interface CheXpertOptions {
  /** `train.csv` / `valid.csv` of CheXpert (either size); image paths in it are relative to its parent's parent. */
  labels: string;
  uncertain?: UncertainPolicy;
}

/** CheXpert: rows are images (`…/patient00001/study1/view1_frontal.jpg`), grouped into studies. */
export const chexpertImporter: Importer<CheXpertOptions> = {
  name: 'chexpert',
  async *read(options: CheXpertOptions): AsyncIterable<ImportEvent> {
    if (!existsSync(options.labels))
      throw cxrError('DATASET_NOT_FOUND', `no label file at ${options.labels}`, { path: options.labels });
    let current: StudyRecord | undefined;
    const onHeader = (found: string[]) =>
      requireColumns(found, ['Path', 'Frontal/Lateral', ...OBSERVATIONS], options.labels);
    for await (const event of readCsv(options.labels, { onHeader })) {
      if ('skipped' in event) {
        yield event;
        continue;
      }
      const row = event.row;
      const path = row.Path as string;
      const parts = path.split('/');
      const patient = parts.at(-3) ?? 'unknown';
      const study = `${patient}/${parts.at(-2) ?? 'study'}`;
      const image: ImageRecord = {
        id: path,
        path,
        view: row['Frontal/Lateral'] === 'Lateral' ? 'LATERAL' : row['AP/PA'] || 'FRONTAL',
      };
      if (current !== undefined && current.sourceId !== study) {
        yield { record: current };
        current = undefined;
      }
      current ??= {
        sourceId: study,
        patient: { id: patient, sex: row.Sex, age: Number(row.Age) || undefined },
        images: [],
        annotations: [],
      };
      current.images.push(image);
      current.annotations.push(...observationsOf(row, options.uncertain ?? 'keep', image.id));
    }
    if (current !== undefined) yield { record: current };
  },
};

export interface MimicOptions {
  /**
   * Folder holding `mimic-cxr-2.0.0-metadata.csv(.gz)` and `-split.csv(.gz)`, and the label file
   * `-chexpert.csv(.gz)` (or `-negbio`) when it is MIMIC-CXR-JPG; without a label file every study of the metadata
   * is imported, with its report as its only ground truth.
   */
  folder: string;
  /** Where MIMIC-CXR's reports are (`files/pXX/pNNNNNNNN/sNNNNNNNN.txt`); default the folder itself. */
  reports?: string;
  labeler?: 'chexpert' | 'negbio';
  uncertain?: UncertainPolicy;
}

/**
 * MIMIC-CXR(-JPG): studies from the label file (or, without one, from the metadata), their images from the
 * metadata, splits from the split file, and each study's free-text report when its `sNNNNNNNN.txt` is there.
 */
export const mimicImporter: Importer<MimicOptions> = {
  name: 'mimic',
  async *read(options: MimicOptions): AsyncIterable<ImportEvent> {
    const find = (stem: string) =>
      [`${stem}.csv`, `${stem}.csv.gz`].map((name) => join(options.folder, name)).find(existsSync);
    const file = (stem: string) => {
      const found = find(stem);
      if (found === undefined)
        throw cxrError('DATASET_NOT_FOUND', `no ${stem}.csv(.gz) in ${options.folder}`, { path: options.folder });
      return found;
    };
    const splits = new Map<string, 'train' | 'validation' | 'test'>();
    const splitFile = find('mimic-cxr-2.0.0-split');
    const columns = (path: string, required: string[]) => ({
      onHeader: (found: string[]) => requireColumns(found, required, path),
    });
    for await (const event of splitFile === undefined
      ? []
      : readCsv(splitFile, columns(splitFile, ['dicom_id', 'split']))) {
      if ('row' in event) {
        const split = event.row.split;
        splits.set(
          event.row.dicom_id as string,
          split === 'validate' ? 'validation' : split === 'test' ? 'test' : 'train',
        );
      }
    }
    const studies = new Map<string, { subject: string; images: ImageRecord[] }>();
    const metadata = file('mimic-cxr-2.0.0-metadata');
    for await (const event of readCsv(metadata, columns(metadata, ['dicom_id', 'subject_id', 'study_id']))) {
      if (!('row' in event)) continue;
      const {
        dicom_id: dicomId,
        subject_id: subject,
        study_id: study,
        ViewPosition: view,
      } = event.row as Record<string, string>;
      const entry = studies.get(study as string) ?? { subject: subject as string, images: [] };
      entry.images.push({
        id: dicomId as string,
        path: `files/p${(subject as string).slice(0, 2)}/p${subject}/s${study}/${dicomId}.jpg`,
        view: view || undefined,
        officialSplit: splits.get(dicomId as string),
      });
      studies.set(study as string, entry);
    }
    const reports = options.reports ?? options.folder;
    const record = async (subject: string, study: string, annotations: AnnotationRecord[]): Promise<StudyRecord> => {
      const report = await readMimicReport(reports, subject, study);
      return {
        sourceId: `s${study}`,
        patient: { id: `p${subject}` },
        images: studies.get(study)?.images ?? [],
        ...(report === undefined ? {} : { report }),
        annotations,
      };
    };
    const labels = find(`mimic-cxr-2.0.0-${options.labeler ?? 'chexpert'}`);
    if (labels === undefined) {
      for (const [study, { subject }] of studies) yield { record: await record(subject, study, []) };
      return;
    }
    for await (const event of readCsv(labels, columns(labels, ['subject_id', 'study_id']))) {
      if ('skipped' in event) {
        yield event;
        continue;
      }
      const { subject_id: subject, study_id: study } = event.row as Record<string, string>;
      yield {
        record: await record(
          subject as string,
          study as string,
          observationsOf(event.row, options.uncertain ?? 'keep'),
        ),
      };
    }
  },
};

/** A study's report, when the reports folder has it (ids are MIMIC's numbers: nothing else names a file). */
async function readMimicReport(folder: string, subject: string, study: string): Promise<ReportSections | undefined> {
  if (!/^\d+$/.test(subject) || !/^\d+$/.test(study)) return undefined;
  const text = await readFile(join(folder, mimicReportPath(subject, study)), 'utf8').catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    },
  );
  return text === undefined ? undefined : parseMimicReport(text);
}
