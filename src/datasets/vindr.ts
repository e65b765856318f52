import { existsSync } from 'node:fs';
import { cxrError } from '../errors.js';
import { parseFinding } from '../labels/mesh.js';
import { headOfImage, imagesByStem } from './image-files.js';
import { oneImageStudy } from './one-image-study.js';
import type { AnnotationRecord, Box, ImportEvent, Importer, ImporterContext } from './record.js';
import { headingOfLabel } from './vocabulary-heading.js';
import { readLabelCsv } from './zip-csv.js';

/**
 * How the readings of an image's radiologists become its ground truth: `majority` — a finding stated by more than
 * half of them (2 of the 3 who read each VinDr-CXR training image), `normal` when more than half say `No finding`;
 * `any` — a finding stated by any of them, `normal` only when all say `No finding`.
 */
export const READER_AGREEMENTS = ['majority', 'any'] as const;
export type ReaderAgreement = (typeof READER_AGREEMENTS)[number];

export interface VindrOptions {
  /** Kaggle's `train.csv` (or PhysioNet's `annotations_train.csv`): one row per box per radiologist. */
  labels: string;
  /** The image folder (`train/<image_id>.dicom`, or PNG exports by the same names), if known. */
  images?: string;
  agreement?: ReaderAgreement;
}

const NO_FINDING = 'No finding';

interface Reading {
  reader: string;
  finding: string;
  box?: Box;
}

/**
 * VinDr-CXR: each image read by several radiologists (`rad_id`), each stating findings with boxes, or `No finding`.
 * Findings are combined across readers by `agreement` (default majority). A finding's boxes are the agreeing
 * readers', one per side and zone (three readers boxing the same effusion is one effusion); boxes are in the
 * image's own pixels, whose size is read from its header, so an image that is absent keeps its findings without
 * boxes (a box without its image's width cannot say which side it is on).
 */
export const vindrImporter: Importer<VindrOptions> = {
  name: 'vindr',
  async *read(options: VindrOptions, context?: ImporterContext): AsyncIterable<ImportEvent> {
    if (!existsSync(options.labels))
      throw cxrError('DATASET_NOT_FOUND', `no label file at ${options.labels}`, { path: options.labels });
    const readings = new Map<string, Reading[]>();
    for await (const event of readLabelCsv(options.labels, {
      required: ['image_id', 'class_name', 'rad_id', 'x_min', 'y_min', 'x_max', 'y_max'],
    })) {
      if ('skipped' in event) {
        yield event;
        continue;
      }
      const row = event.row;
      const list = readings.get(row.image_id as string) ?? [];
      const box = boxOf(row);
      list.push({ reader: row.rad_id as string, finding: (row.class_name as string).trim(), ...(box ? { box } : {}) });
      readings.set(row.image_id as string, list);
    }
    context?.expectTotal?.(readings.size);
    const files = await imagesByStem(options.images);
    for (const [id, image] of readings) {
      const path = files.get(id) ?? `${id}.dicom`;
      const head = await headOfImage(options.images, path);
      const size =
        head?.width !== undefined && head.height !== undefined ? { width: head.width, height: head.height } : undefined;
      const annotations = combineReadings(image, options.agreement ?? 'majority', size).map((a) => ({
        ...a,
        imageId: id,
      }));
      yield { record: oneImageStudy(id, path, head, size, annotations) };
    }
  },
};

/**
 * One image's ground truth from its readings (see READER_AGREEMENTS). Findings are named by the vocabulary's
 * headings (`Pleural effusion` → `Pleural Effusion`, `ILD` → `Lung Diseases, Interstitial`); VinDr's names the
 * vocabulary does not hold (`Aortic enlargement`, `Nodule/Mass`, `Other lesion`) stay as published.
 */
export function combineReadings(
  readings: Reading[],
  agreement: ReaderAgreement,
  size: { width: number; height: number } | undefined,
): AnnotationRecord[] {
  const readers = new Set(readings.map((r) => r.reader));
  const enough = (count: number) => (agreement === 'any' ? count > 0 : count * 2 > readers.size);
  const byFinding = new Map<string, Reading[]>();
  for (const reading of readings) {
    const list = byFinding.get(reading.finding) ?? [];
    list.push(reading);
    byFinding.set(reading.finding, list);
  }
  const annotations: AnnotationRecord[] = [];
  for (const [finding, stated] of byFinding) {
    if (finding === NO_FINDING || !enough(new Set(stated.map((r) => r.reader)).size)) continue;
    const raw = headingOfLabel(finding);
    const places = new Set<string>();
    for (const reading of stated) {
      if (reading.box === undefined || size === undefined) continue;
      const box = { ...reading.box, frameWidth: size.width, frameHeight: size.height };
      const parsed = parseFinding(raw, box);
      const place = `${parsed.laterality}/${parsed.location.join('/')}`;
      if (places.has(place)) continue;
      places.add(place);
      annotations.push({ kind: 'finding', raw, box });
    }
    if (places.size === 0) annotations.push({ kind: 'finding', raw });
  }
  if (annotations.length > 0) return annotations;
  const normal = new Set(readings.filter((r) => r.finding === NO_FINDING).map((r) => r.reader)).size;
  const allNormal = agreement === 'any' ? normal === readers.size : normal * 2 > readers.size;
  return allNormal ? [{ kind: 'finding', raw: 'normal' }] : [];
}

function boxOf(row: Record<string, string>): Box | undefined {
  const [x0, y0, x1, y1] = [row.x_min, row.y_min, row.x_max, row.y_max].map((v) => (v ? Number(v) : Number.NaN));
  if (![x0, y0, x1, y1].every((v) => Number.isFinite(v))) return undefined;
  const [x, y] = [x0 as number, y0 as number];
  const [w, h] = [(x1 as number) - x, (y1 as number) - y];
  return w > 0 && h > 0 ? { x, y, w, h } : undefined;
}
