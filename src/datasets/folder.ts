import { statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { cxrError } from '../errors.js';
import { isMaskFolder, labelFoldersOf, labelsOfFolders, namesConcept } from './folder-labels.js';
import { IMAGE_EXTENSIONS, type ImageHead, readImageHead, walkFiles } from './image-files.js';
import type { ImportEvent, Importer, ImporterContext, SkippedItem, StudyRecord } from './record.js';

export interface FolderOptions {
  /** The folder of images; every file in it and below is looked at. */
  folder: string;
  /**
   * A regular expression with named groups `patient` and/or `study`, matched against each image's path relative
   * to the folder (`/` between folders): `(?<patient>\d+)_(?<study>\d+)\.png$` for `00000013_008.png`. Folders the
   * groups capture from are ids, not labels.
   */
  idPattern?: string;
}

interface FoundImage {
  path: string;
  head: ImageHead;
  folders: string[];
  patient?: string;
  study?: string;
}

/**
 * A folder of images sorted into label folders: every image the decoders read (by its first bytes: PNG, JPEG,
 * TIFF, WebP, DICOM, with or without an extension), found recursively; labels from its folders (folder-labels.ts);
 * patient and study from `idPattern`, else from the DICOM header; the view from the DICOM header. Images sharing a
 * patient and study are one study; any other image is a study of its own.
 */
export const folderImporter: Importer<FolderOptions> = {
  name: 'folder',
  async *read(options: FolderOptions, context?: ImporterContext): AsyncIterable<ImportEvent> {
    if (!isFolder(options.folder))
      throw cxrError('DATASET_NOT_FOUND', `no folder at ${options.folder}`, { path: options.folder });
    const pattern = options.idPattern === undefined ? undefined : compileIdPattern(options.idPattern);
    const skipped: SkippedItem[] = [];
    const masks = new Map<string, number>();
    const images: FoundImage[] = [];
    let matched = 0;
    for await (const path of walkFiles(options.folder)) {
      const folders = path.split('/').slice(0, -1);
      const mask = folders.findIndex(isMaskFolder);
      if (mask >= 0) {
        const key = folders.slice(0, mask + 1).join('/');
        masks.set(key, (masks.get(key) ?? 0) + 1);
        continue;
      }
      const head = await readImageHead(join(options.folder, path));
      if (head === undefined) {
        if (IMAGE_EXTENSIONS.has(extname(path).toLowerCase()))
          skipped.push({
            code: 'IMAGE_UNSUPPORTED',
            item: path,
            message: 'named as an image, but its first bytes are no PNG, JPEG, TIFF, WebP or DICOM',
          });
        continue;
      }
      const ids = pattern === undefined ? undefined : idsOf(pattern, path);
      if (ids !== undefined) matched++;
      images.push({
        path,
        head,
        folders: ids === undefined ? folders : folders.filter((_, i) => !ids.folders.has(i)),
        patient: ids?.patient ?? head.dicom?.patientId,
        study: ids?.study ?? head.dicom?.studyUid,
      });
    }
    for (const [folder, count] of masks)
      skipped.push({
        code: 'IMAGE_UNSUPPORTED',
        item: `${folder}/`,
        message: `a folder of segmentation masks, not radiographs: its ${count} files are not imported`,
      });
    if (images.length === 0)
      throw cxrError('DATASET_NOT_FOUND', `no image files (PNG, JPEG, TIFF, WebP, DICOM) under ${options.folder}`, {
        path: options.folder,
      });
    if (pattern !== undefined && matched === 0)
      throw cxrError(
        'INVALID_OPTION',
        `--id-pattern ${options.idPattern} matches none of the ${images.length} images`,
        {
          option: 'id-pattern',
          example: images[0]?.path,
        },
      );
    const studies = studiesOf(images);
    context?.expectTotal?.(studies.length + skipped.length);
    for (const item of skipped) yield { skipped: item };
    for (const study of studies) yield { record: study };
  },
};

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The pattern, checked: it compiles and names a `patient` or `study` group. */
export function compileIdPattern(source: string): RegExp {
  let pattern: RegExp;
  try {
    pattern = new RegExp(source, 'd');
  } catch (error) {
    throw cxrError('INVALID_OPTION', `--id-pattern is not a regular expression: ${(error as Error).message}`, {
      option: 'id-pattern',
    });
  }
  if (!/\(\?<(patient|study)>/.test(source))
    throw cxrError('INVALID_OPTION', '--id-pattern names neither a (?<patient>…) nor a (?<study>…) group', {
      option: 'id-pattern',
    });
  return pattern;
}

/** The ids a path's match captures, and which folders (by index) the captures fall in. */
function idsOf(pattern: RegExp, path: string): { patient?: string; study?: string; folders: Set<number> } | undefined {
  const match = pattern.exec(path);
  if (match === null) return undefined;
  const spans = (['patient', 'study'] as const)
    .map((name) => match.indices?.groups?.[name])
    .filter((span): span is [number, number] => span !== undefined);
  const folders = new Set<number>();
  let start = 0;
  path
    .split('/')
    .slice(0, -1)
    .forEach((folder, i) => {
      const end = start + folder.length;
      if (spans.some(([from, to]) => from < end && to > start)) folders.add(i);
      start = end + 1;
    });
  const ids: { patient?: string; study?: string; folders: Set<number> } = { folders };
  if (match.groups?.patient) ids.patient = match.groups.patient;
  if (match.groups?.study) ids.study = match.groups.study;
  return ids;
}

/**
 * Groups images into studies and reads their labels. Leading folders every image shares are the dataset's
 * wrapper (`COVID-19_Radiography_Dataset/`), not a label every image carries, unless they name a finding.
 */
function studiesOf(images: FoundImage[]): StudyRecord[] {
  const labelled = images.map((image) => ({ image, ...labelFoldersOf(image.folders) }));
  let shared = 0;
  const first = labelled[0]?.folders ?? [];
  while (
    shared < first.length &&
    !namesConcept(first[shared] as string) &&
    labelled.every((item) => item.folders[shared] === first[shared])
  )
    shared++;
  const studies = new Map<string, StudyRecord>();
  for (const { image, folders, split } of labelled) {
    const sourceId =
      image.study === undefined
        ? image.path.slice(0, image.path.length - extname(image.path).length)
        : image.patient === undefined
          ? image.study
          : `${image.patient}/${image.study}`;
    let study = studies.get(sourceId);
    if (study === undefined) {
      study = { sourceId, images: [], annotations: [] };
      if (image.patient !== undefined) {
        const dicom = image.head.dicom;
        study.patient = {
          id: image.patient,
          ...(dicom?.sex === undefined ? {} : { sex: dicom.sex }),
          ...(dicom?.age === undefined ? {} : { age: dicom.age }),
        };
      }
      studies.set(sourceId, study);
    }
    study.images.push({
      id: image.path,
      path: image.path,
      ...(image.head.dicom?.view === undefined ? {} : { view: image.head.dicom.view }),
      ...(image.head.width === undefined ? {} : { width: image.head.width, height: image.head.height }),
      ...(split === undefined ? {} : { officialSplit: split }),
    });
    for (const raw of labelsOfFolders(folders.slice(shared)))
      study.annotations.push({ kind: 'mesh', raw, imageId: image.path });
  }
  return [...studies.values()];
}
