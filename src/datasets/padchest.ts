import { existsSync } from 'node:fs';
import { cxrError } from '../errors.js';
import type { CsvRow } from './csv.js';
import type { ImportEvent, Importer, ImporterContext, StudyRecord } from './record.js';
import { headingOfLabel } from './vocabulary-heading.js';
import { readLabelCsv } from './zip-csv.js';

export interface PadChestOptions {
  /** `PADCHEST_chest_x_ray_images_labels_160K_01.02.19.csv(.gz)`. */
  labels: string;
}

/** Labels PadChest's annotators use for the study, not the image's content: no finding. */
const NOT_FINDINGS = new Set(['exclude', 'unchanged', '']);

/** PadChest's localisation labels (`loc …`) as the places MeSH-style annotations use; others lose `loc ` only. */
const PLACES: Record<string, string> = {
  basal: 'base',
  apical: 'apex',
  hilar: 'hilum',
  'upper lung field': 'upper zone',
  'middle lung field': 'middle zone',
  'lower lung field': 'lower zone',
  pleural: 'pleura',
  cardiac: 'heart',
};

/** Projections as the other formats write views: `L` is lateral, `AP_horizontal` a supine AP. */
const VIEWS: Record<string, string> = { L: 'LATERAL', AP_horizontal: 'AP' };

/**
 * PadChest: one row per image, grouped into studies by `StudyID`. Findings are its label lists, each named by the
 * vocabulary's heading where it has the concept (`pleural effusion` → `Pleural Effusion`), stored MeSH-style with
 * the places its annotators gave the finding in the same sentence (`LabelsLocalizationsBySentence`:
 * `Pleural Effusion/left/costophrenic angle`), else from `Labels`. `exclude` and `unchanged` are not findings.
 * Its reports are Spanish and are not mined (the miner reads English): they are not imported. Labels are the
 * physicians' for about a quarter of the images and a trained model's for the rest (`MethodLabel`); both are kept.
 */
export const padchestImporter: Importer<PadChestOptions> = {
  name: 'padchest',
  async *read(options: PadChestOptions, context?: ImporterContext): AsyncIterable<ImportEvent> {
    if (!existsSync(options.labels))
      throw cxrError('DATASET_NOT_FOUND', `no label file at ${options.labels}`, { path: options.labels });
    const studies = new Map<string, StudyRecord>();
    for await (const event of readLabelCsv(options.labels, {
      required: ['ImageID', 'PatientID', 'StudyID', 'Projection', 'Labels'],
    })) {
      if ('skipped' in event) {
        yield event;
        continue;
      }
      const row = event.row;
      addImage(studies, row);
    }
    context?.expectTotal?.(studies.size);
    for (const record of studies.values()) yield { record };
  },
};

function addImage(studies: Map<string, StudyRecord>, row: CsvRow): void {
  const imageId = row.ImageID as string;
  const studyId = row.StudyID as string;
  let study = studies.get(studyId);
  if (study === undefined) {
    const age = ageAtStudy(row.PatientBirth, row.StudyDate_DICOM);
    study = {
      sourceId: studyId,
      patient: {
        id: row.PatientID as string,
        ...(row.PatientSex_DICOM ? { sex: row.PatientSex_DICOM } : {}),
        ...(age === undefined ? {} : { age }),
      },
      images: [],
      annotations: [],
    };
    studies.set(studyId, study);
  }
  const projection = (row.Projection ?? '').trim();
  study.images.push({
    id: imageId,
    path: row.ImageDir ? `${row.ImageDir.replace(/\.0$/, '')}/${imageId}` : imageId,
    ...(projection ? { view: VIEWS[projection] ?? projection } : {}),
  });
  for (const raw of findingsOf(row)) study.annotations.push({ kind: 'mesh', raw, imageId });
}

/** An image's findings as MeSH-style strings, placed by the sentence they were read in when the file says. */
export function findingsOf(row: CsvRow): string[] {
  const sentences = parsePythonList(row.LabelsLocalizationsBySentence ?? '');
  const groups = sentences.length > 0 ? sentences : parsePythonList(row.Labels ?? '').map((label) => [label]);
  const findings: string[] = [];
  for (const group of groups) {
    const items = (Array.isArray(group) ? group : [group]).map((item) => String(item).trim());
    const places = items.filter((item) => item.startsWith('loc ')).map((item) => placeOf(item.slice(4)));
    for (const label of items.filter((item) => !item.startsWith('loc ') && !NOT_FINDINGS.has(item))) {
      const raw = [headingOfLabel(label), ...places].join('/');
      if (!findings.includes(raw)) findings.push(raw);
    }
  }
  return findings;
}

function placeOf(place: string): string {
  return PLACES[place.trim()] ?? place.trim();
}

/** Age from the birth year (`1939.0`) and the study date (`20140915`). */
function ageAtStudy(birth: string | undefined, date: string | undefined): number | undefined {
  const born = Number.parseFloat(birth ?? '');
  const year = Number((date ?? '').slice(0, 4));
  const age = year - born;
  return Number.isFinite(age) && age >= 0 && age <= 120 ? age : undefined;
}

type PythonList = Array<string | PythonList>;

/**
 * A Python list literal of strings, nested or not, as PadChest writes its label columns (`['a', 'b']`,
 * `[['a', 'loc x'], ['b']]`); `nan` or anything that is not a list reads as empty.
 */
export function parsePythonList(text: string): PythonList {
  const root: PythonList = [];
  const stack: PythonList[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '[') {
      const list: PythonList = [];
      (stack.at(-1) ?? root).push(list);
      stack.push(list);
      i++;
    } else if (c === ']') {
      stack.pop();
      i++;
    } else if (c === "'" || c === '"') {
      let value = '';
      i++;
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        value += text[i];
        i++;
      }
      i++;
      stack.at(-1)?.push(value);
    } else i++;
  }
  const outer = root[0];
  return Array.isArray(outer) ? outer : [];
}
