import { conceptOfLabel, headingOfLabel } from './vocabulary-heading.js';

/**
 * How a folder of images sorted into label folders reads (the layout of most small public sets:
 * `chest_xray/train/PNEUMONIA/x.jpeg`, `COVID-19_Radiography_Dataset/COVID/images/x.png`, `Pneumonia/bacterial/x.png`).
 */

/** Folders that hold a published split, not a label; the folders above one are the dataset's wrapper. */
const SPLIT_FOLDERS: Record<string, 'train' | 'validation' | 'test'> = {
  train: 'train',
  training: 'train',
  val: 'validation',
  valid: 'validation',
  validation: 'validation',
  dev: 'validation',
  test: 'test',
  testing: 'test',
};

/** Folders that only hold files, named after what or how: not labels. */
const CONTAINER_FOLDERS = new Set(['images', 'image', 'imgs', 'img', 'files', 'data', 'png', 'pngs', 'jpg', 'jpeg']);
const DICOM_FOLDERS = new Set(['dicom', 'dicoms', 'dcm']);

/** Folders of segmentation masks beside the radiographs (COVID-19 Radiography Database's `masks/`): not imported. */
export function isMaskFolder(name: string): boolean {
  return /^(masks?|segmentations?|lung[ _-]?masks?)$/i.test(name);
}

/** A folder name's published split, if it is a split folder. */
export function splitOfFolder(name: string): 'train' | 'validation' | 'test' | undefined {
  return SPLIT_FOLDERS[name.toLowerCase()];
}

/**
 * The folders of an image's path that can carry labels: those below its last split folder (the ones above it wrap
 * the dataset), without container folders (`images/`, `png/`, `dicom/`).
 */
export function labelFoldersOf(folders: readonly string[]): {
  folders: string[];
  split?: 'train' | 'validation' | 'test';
} {
  let start = 0;
  let split: 'train' | 'validation' | 'test' | undefined;
  folders.forEach((name, i) => {
    const found = splitOfFolder(name);
    if (found !== undefined) {
      split = found;
      start = i + 1;
    }
  });
  const kept = folders.slice(start).filter((name) => {
    const lower = name.toLowerCase();
    return !CONTAINER_FOLDERS.has(lower) && !DICOM_FOLDERS.has(lower);
  });
  return split === undefined ? { folders: kept } : { folders: kept, split };
}

/** True when a folder name names a vocabulary concept (a wrapper folder holding every image is kept then). */
export function namesConcept(name: string): boolean {
  return conceptOf(name) !== undefined;
}

/**
 * An image's ground truth from its label folders, outermost first, as MeSH-style annotations
 * (`Heading/qualifier/…`, the project's annotation format):
 * - a folder naming a vocabulary concept is that concept's heading (`PNEUMONIA` → `Pneumonia`, `No_findings` and
 *   `NORMAL` → `normal`); a class-number prefix (`0_normal`) is read past; an unknown name stays as written;
 * - a nested folder that, read with its parent, names a concept refines the parent into it
 *   (`Pneumonia/bacterial` → `Pneumonia, Bacterial`, the heading of bacterial pneumonia);
 * - a nested folder naming a concept of its own is a second finding (`Effusion/Cardiomegaly` → both);
 * - any other nested folder qualifies its parent's finding (`Pleural_Effusion/left/small` →
 *   `Pleural Effusion/left/small`: side, severity and place words are read as in any MeSH annotation).
 */
export function labelsOfFolders(folders: readonly string[]): string[] {
  const labels: string[] = [];
  let current: { name: string; heading: string; qualifiers: string[] } | undefined;
  const close = () => {
    if (current !== undefined) labels.push([current.heading, ...current.qualifiers].join('/'));
  };
  for (const folder of folders) {
    if (current === undefined) {
      current = { name: folder, heading: headingOf(folder), qualifiers: [] };
      continue;
    }
    const phrase = `${readable(folder)} ${readable(current.name)}`;
    const reversed = `${readable(current.name)} ${readable(folder)}`;
    const refined = conceptOfLabel(phrase) !== undefined ? phrase : conceptOfLabel(reversed) ? reversed : undefined;
    if (refined !== undefined && current.qualifiers.length === 0) {
      current = { name: refined, heading: headingOfLabel(refined), qualifiers: [] };
    } else if (namesConcept(folder)) {
      close();
      current = { name: folder, heading: headingOf(folder), qualifiers: [] };
    } else {
      current.qualifiers.push(readable(folder));
    }
  }
  close();
  return labels;
}

/** `0_normal` → `normal`: the class-number prefix some layouts put before a label. */
function withoutClassNumber(name: string): string {
  return name.replace(/^\d+[ _.-]+(?=\D)/, '');
}

function conceptOf(name: string) {
  return conceptOfLabel(name) ?? conceptOfLabel(withoutClassNumber(name));
}

function headingOf(name: string): string {
  if (conceptOfLabel(name) !== undefined) return headingOfLabel(name);
  const bare = withoutClassNumber(name);
  return conceptOfLabel(bare) !== undefined ? headingOfLabel(bare) : name;
}

/** A folder name as words (`left_lower` → `left lower`), for qualifiers and phrases. */
function readable(name: string): string {
  return name.replace(/[_]+/g, ' ').trim();
}

/** What `cxr import folder --help` says about the layout. */
export const FOLDER_LAYOUT_HELP = `
folder layout (cxr import folder DIR):
  Every PNG, JPEG, TIFF, WebP or DICOM file under DIR is an image (recognised by its first bytes, so DICOM files
  without an extension count); other files are ignored, and files named as images that are not are listed.
  Labels come from the folders between DIR and the file:
    train/ test/ val/ valid/ validation/   the published split (folders above one only wrap the dataset)
    images/ png/ dicom/ …                  containers, not labels;  masks/ segmentations/ are not imported
    a leading folder holding every image   the dataset's own wrapper (unless it names a finding)
    PNEUMONIA/ Pleural_Effusion/           the vocabulary's heading (Pneumonia, Pleural Effusion)
    No_findings/ NORMAL/ normal/ 0_normal/ no finding (normal)
    Other_name/                            an unknown name stays as written
    Pneumonia/bacterial/                   read together: Pneumonia, Bacterial
    Effusion/Cardiomegaly/                 two findings
    Pleural_Effusion/left/small/           qualifiers: Pleural Effusion/left/small
  --id-pattern '(?<patient>\\d+)_(?<study>\\d+)' takes patient and study ids from each image's path; otherwise DICOM
  files give them (Patient ID, Study Instance UID), and every other image is a study of its own. Views come from
  the DICOM View Position.`;
