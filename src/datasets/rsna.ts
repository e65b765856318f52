import { existsSync } from 'node:fs';
import { cxrError } from '../errors.js';
import { findBeside } from './beside.js';
import { headOfImage, imagesByStem, stemOf } from './image-files.js';
import type { AnnotationRecord, ImportEvent, Importer, ImporterContext, StudyRecord } from './record.js';
import { readLabelCsv } from './zip-csv.js';

export interface RsnaOptions {
  /** `stage_2_train_labels.csv` (or `.csv.zip`, as Kaggle publishes it): `patientId,x,y,width,height,Target`. */
  labels: string;
  /** `stage_2_train_images_dicom_headers.csv(.gz)`: view, sex and age per image; default: beside the labels. */
  headers?: string;
  /**
   * `stage_2_detailed_class_info.csv`: `Normal`, `No Lung Opacity / Not Normal` or `Lung Opacity` per image;
   * default: beside the labels.
   */
  classes?: string;
  /** The image folder (`stage_2_train_images/<patientId>.dcm`, or PNG exports by the same names), if known. */
  images?: string;
}

/** The challenge's images are all 1024×1024; boxes are in those pixels (the image's own header says, when present). */
export const RSNA_IMAGE_SIZE = 1024;

/** The finding RSNA's `Target` 1 states, and what its `Target` 0 states: no pneumonia, which is not "normal". */
export const RSNA_POSITIVE = 'Pneumonia';
export const RSNA_NEGATIVE = 'No Pneumonia';

/**
 * RSNA Pneumonia Detection Challenge: one study per image (its `patientId` names one image). `Target` 1 is
 * pneumonia, one annotation per box (its side and zone follow from the box); `Target` 0 is "No Pneumonia", or
 * `normal` when the detailed class file says `Normal` (by the challenge's published class counts, 11,821 of the
 * 20,672 Target-0 images are "No Lung Opacity / Not Normal": calling every Target 0 normal would be false). View, sex and age come from the DICOM headers file.
 */
export const rsnaImporter: Importer<RsnaOptions> = {
  name: 'rsna',
  async *read(options: RsnaOptions, context?: ImporterContext): AsyncIterable<ImportEvent> {
    if (!existsSync(options.labels))
      throw cxrError('DATASET_NOT_FOUND', `no label file at ${options.labels}`, { path: options.labels });
    const headers = await readHeaders(
      options.headers ?? findBeside(options.labels, /dicom_headers\.csv(\.gz|\.zip)?$/i),
    );
    const classes = await readClasses(
      options.classes ?? findBeside(options.labels, /detailed_class_info\.csv(\.gz|\.zip)?$/i),
    );
    const files = await imagesByStem(options.images);
    const rows = new Map<string, Array<Record<string, string>>>();
    for await (const event of readLabelCsv(options.labels, {
      required: ['patientId', 'x', 'y', 'width', 'height', 'Target'],
    })) {
      if ('skipped' in event) {
        yield event;
        continue;
      }
      const id = event.row.patientId as string;
      const list = rows.get(id) ?? [];
      list.push(event.row);
      rows.set(id, list);
    }
    context?.expectTotal?.(rows.size);
    for (const [id, boxes] of rows) {
      const path = files.get(id) ?? `${id}.dcm`;
      const head = await headOfImage(options.images, path);
      const width = head?.width ?? RSNA_IMAGE_SIZE;
      const height = head?.height ?? RSNA_IMAGE_SIZE;
      const annotations: AnnotationRecord[] = [];
      for (const row of boxes) {
        if (row.Target !== '1') continue;
        const [x, y, w, h] = [row.x, row.y, row.width, row.height].map(Number) as [number, number, number, number];
        const box = [x, y, w, h].every(Number.isFinite) && w > 0 && h > 0;
        annotations.push({
          kind: 'finding',
          raw: RSNA_POSITIVE,
          imageId: id,
          ...(box ? { box: { x, y, w, h, frameWidth: width, frameHeight: height } } : {}),
        });
      }
      if (annotations.length === 0)
        annotations.push({
          kind: 'finding',
          raw: classes.get(id) === 'Normal' ? 'normal' : RSNA_NEGATIVE,
          imageId: id,
        });
      // The headers file, else the image's own header.
      const header = headers.get(id) ?? head?.dicom;
      const record: StudyRecord = {
        sourceId: id,
        patient: {
          id: header?.patientId ?? id,
          ...(header?.sex ? { sex: header.sex } : {}),
          ...(header?.age === undefined ? {} : { age: header.age }),
        },
        images: [{ id, path, width, height, ...(header?.view ? { view: header.view } : {}) }],
        annotations,
      };
      yield { record };
    }
  },
};

interface RsnaHeader {
  patientId?: string;
  view?: string;
  sex?: string;
  age?: number;
}

/** The DICOM headers file by image id (its `Filename` without `.dcm`). */
async function readHeaders(path: string | undefined): Promise<Map<string, RsnaHeader>> {
  const headers = new Map<string, RsnaHeader>();
  if (path === undefined) return headers;
  for await (const event of readLabelCsv(path)) {
    if (!('row' in event)) continue;
    const row = event.row;
    const id = row.Filename ? stemOf(row.Filename) : row.PatientID;
    if (!id) continue;
    const age = Number(row.PatientAge);
    // A handful of RSNA headers state ages of 148 or 155 years: not an age.
    headers.set(id, {
      ...(row.PatientID ? { patientId: row.PatientID } : {}),
      ...(row.ViewPosition ? { view: row.ViewPosition.trim().toUpperCase() } : {}),
      ...(row.PatientSex ? { sex: row.PatientSex.trim() } : {}),
      ...(row.PatientAge && Number.isFinite(age) && age <= 120 ? { age } : {}),
    });
  }
  return headers;
}

async function readClasses(path: string | undefined): Promise<Map<string, string>> {
  const classes = new Map<string, string>();
  if (path === undefined) return classes;
  for await (const event of readLabelCsv(path))
    if ('row' in event && event.row.patientId) classes.set(event.row.patientId, (event.row.class ?? '').trim());
  return classes;
}
