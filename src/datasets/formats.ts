import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Catalog } from '../store/catalog.js';
import { chestXray14Importer } from './chestxray14.js';
import { chexpertImporter, mimicImporter, type UncertainPolicy } from './chexpert.js';
import type { ColumnMap } from './columns.js';
import { folderImporter } from './folder.js';
import { googleNihImporter } from './google-nih.js';
import { type ImportOptions, type ImportSummary, runImport } from './import.js';
import { indianaCsvImporter } from './indiana-csv.js';
import { manifestImporter } from './manifest.js';
import { openiImporter } from './openi.js';
import { padchestImporter } from './padchest.js';
import type { ImportEvent } from './record.js';
import { rsnaImporter } from './rsna.js';
import { siimImporter } from './siim.js';
import { type ReaderAgreement, vindrImporter } from './vindr.js';

export const FORMATS = [
  'openi',
  'indiana-csv',
  'chestxray14',
  'chexpert',
  'mimic',
  'manifest',
  'folder',
  'rsna',
  'vindr',
  'siim',
  'google-nih',
  'padchest',
] as const;
export type Format = (typeof FORMATS)[number];

export interface FormatOptions {
  /** OpenI: a folder of DICOM files (`<parentImage id>.dcm`) instead of PNGs. */
  dicom?: string;
  /** indiana-csv: the projections file (default: `indiana_projections.csv` beside the reports). */
  projections?: string;
  /** chestxray14: BBox_List file and folder of split lists (default: beside the labels). */
  boxes?: string;
  lists?: string;
  uncertain?: UncertainPolicy;
  /** mimic: the folder of MIMIC-CXR's report files (`files/pXX/pNNNNNNNN/sNNNNNNNN.txt`; default the folder). */
  reports?: string;
  /** manifest: which column holds each field, and what separates labels in a cell. */
  columns?: ColumnMap;
  labelSeparator?: string;
  /** folder: a regular expression with named groups `patient` / `study`, matched against each image's path. */
  idPattern?: string;
  /** rsna: the DICOM headers file and the detailed class file (default: beside the labels). */
  headers?: string;
  classes?: string;
  /** vindr: how the radiologists' readings combine (default majority). */
  agreement?: ReaderAgreement;
  /** The image folder the user names (rsna, vindr, siim look their images up in it by id). */
  images?: string;
}

export interface ResolvedFormat {
  dataset: string;
  /** Where images are when the user names no folder (undefined: none). */
  defaultImages?: string;
  events(expectTotal: (n: number) => void): AsyncIterable<ImportEvent>;
}

/** Each published format: its importer, the default dataset name and where its images usually are. */
export function resolveFormat(format: Format, source: string, options: FormatOptions): ResolvedFormat {
  const beside = (name: string) => (existsSync(join(dirname(source), name)) ? join(dirname(source), name) : undefined);
  switch (format) {
    case 'openi':
      return {
        dataset: 'openi',
        defaultImages: options.dicom,
        events: (expectTotal) =>
          openiImporter.read({ reports: source, imageExtension: options.dicom ? 'dcm' : 'png' }, { expectTotal }),
      };
    case 'indiana-csv':
      return {
        dataset: 'openi',
        events: () =>
          indianaCsvImporter.read({
            reports: source,
            projections: options.projections ?? beside('indiana_projections.csv') ?? '',
          }),
      };
    case 'chestxray14':
      return {
        dataset: 'nih',
        defaultImages: beside('images'),
        events: (expectTotal) =>
          chestXray14Importer.read({ labels: source, boxes: options.boxes, lists: options.lists }, { expectTotal }),
      };
    case 'chexpert':
      // Paths in CheXpert's CSV start with its own folder name (`CheXpert-v1.0-small/train/…`).
      return {
        dataset: 'chexpert',
        defaultImages: dirname(dirname(source)),
        events: () => chexpertImporter.read({ labels: source, uncertain: options.uncertain }),
      };
    case 'mimic':
      return {
        dataset: 'mimic',
        defaultImages: source,
        events: () => mimicImporter.read({ folder: source, reports: options.reports, uncertain: options.uncertain }),
      };
    case 'manifest':
      return {
        dataset: basename(source).replace(/\.(csv|tsv|jsonl|ndjson)(\.gz)?$/i, ''),
        defaultImages: dirname(source),
        events: () =>
          manifestImporter.read({ manifest: source, columns: options.columns, labelSeparator: options.labelSeparator }),
      };
    case 'folder':
      return {
        dataset: basename(resolve(source)),
        defaultImages: source,
        events: (expectTotal) => folderImporter.read({ folder: source, idPattern: options.idPattern }, { expectTotal }),
      };
    case 'rsna': {
      const images = options.images ?? beside('stage_2_train_images');
      return {
        dataset: 'rsna',
        defaultImages: images,
        events: (expectTotal) =>
          rsnaImporter.read(
            { labels: source, headers: options.headers, classes: options.classes, images },
            { expectTotal },
          ),
      };
    }
    case 'vindr': {
      const images = options.images ?? beside('train');
      return {
        dataset: 'vindr',
        defaultImages: images,
        events: (expectTotal) =>
          vindrImporter.read({ labels: source, images, agreement: options.agreement }, { expectTotal }),
      };
    }
    case 'siim': {
      const images = options.images ?? beside('dicom-images-train') ?? beside('train');
      return {
        dataset: 'siim',
        defaultImages: images,
        events: (expectTotal) => siimImporter.read({ labels: source, images }, { expectTotal }),
      };
    }
    case 'google-nih':
      return {
        dataset: 'nih-google',
        defaultImages: beside('images'),
        events: (expectTotal) => googleNihImporter.read({ labels: source }, { expectTotal }),
      };
    case 'padchest':
      return {
        dataset: 'padchest',
        defaultImages: dirname(source),
        events: (expectTotal) => padchestImporter.read({ labels: source }, { expectTotal }),
      };
  }
}

/**
 * Imports `source`, published in `format`, into the catalog: the format's own dataset name and image folder unless
 * the options name others (a DICOM folder, for OpenI, is the image folder). What `cxr import` runs.
 */
export async function importFormat(
  catalog: Catalog,
  format: Format,
  source: string,
  options: Partial<ImportOptions> & FormatOptions = {},
): Promise<{ dataset: string; summary: ImportSummary }> {
  const resolved = resolveFormat(format, source, options);
  const dataset = options.dataset ?? resolved.dataset;
  const summary = await runImport(catalog, format, source, resolved.events, {
    ...options,
    dataset,
    images: options.images ?? options.dicom ?? resolved.defaultImages,
  });
  return { dataset, summary };
}
