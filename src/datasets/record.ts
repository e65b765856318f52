import type { ErrorCode } from '../errors.js';

/** A rectangle; `frameWidth`×`frameHeight` is the coordinate frame (ChestX-ray14 boxes are in 1024×1024). */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
  frameWidth?: number;
  frameHeight?: number;
}

export interface ImageRecord {
  /** Unique within the dataset, e.g. the OpenI parentImage id or the ChestX-ray14 file name. */
  id: string;
  /** Relative to the image folder; absent when the dataset names no file for it. */
  path?: string;
  view?: string;
  /** The size the dataset states (e.g. ChestX-ray14's original size); boxes are in these pixels. */
  width?: number;
  height?: number;
  /** The split the dataset itself publishes (ChestX-ray14's lists, MIMIC's split file), if any. */
  officialSplit?: 'train' | 'validation' | 'test';
}

export interface AnnotationRecord {
  /** `mesh`: a MeSH-style string (`Heading/qualifier/…`); `finding`: a dataset label such as `Effusion`. */
  kind: 'mesh' | 'finding';
  raw: string;
  /** The image it belongs to; absent when it applies to the whole study. */
  imageId?: string;
  certainty?: 'positive' | 'uncertain';
  box?: Box;
}

export interface ReportSections {
  comparison?: string;
  indication?: string;
  findings?: string;
  impression?: string;
}

export interface PatientRecord {
  id: string;
  sex?: string;
  age?: number;
}

/** One study as an importer yields it: stable id, images, report sections, ground truth, patient. */
export interface StudyRecord {
  sourceId: string;
  patient?: PatientRecord;
  images: ImageRecord[];
  report?: ReportSections;
  annotations: AnnotationRecord[];
}

/** Something an importer or the import pipeline passed over, with the reason. */
export interface SkippedItem {
  code: ErrorCode;
  /** The file, row or record it concerns. */
  item: string;
  message: string;
}

export type ImportEvent = { record: StudyRecord } | { skipped: SkippedItem };

export interface ImporterContext {
  /** Items the importer itself expects to yield, for progress (undefined when unknown). */
  expectTotal?(total: number): void;
}

/** `(source, options) → AsyncIterable<StudyRecord>`: one per published format. */
export interface Importer<Options> {
  readonly name: string;
  read(options: Options, context?: ImporterContext): AsyncIterable<ImportEvent>;
}
