import { open, readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import dicomParser from 'dicom-parser';
import { isDicom } from './images/dicom.js';
import { jpegSize, pngSize } from './images/pixel-budget.js';
import { resolveInside } from './paths.js';

/** The image formats the decoders read (DICOM by its own decoder, the rest through sharp). */
export type ImageFormat = 'dicom' | 'png' | 'jpeg' | 'tiff' | 'webp';

/** Extensions an image file is expected to have; a file named so that is not an image is reported, not ignored. */
export const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.tif', '.tiff', '.webp', '.dcm', '.dicom', '.dic']);

/** Bytes enough for every signature below (DICOM's `DICM` sits after a 128-byte preamble). */
const SIGNATURE_BYTES = 132 + 1;

/**
 * The format a file's first bytes declare, as the decoders recognise it: DICOM by its Part 10 preamble (`isDicom`,
 * the test decodeGrey applies), PNG, JPEG, TIFF and WebP by their signatures. Undefined: not an image the project
 * reads (a report, a CSV, an OS's `.DS_Store`).
 */
export function sniffImageFormat(head: Uint8Array): ImageFormat | undefined {
  if (isDicom(head)) return 'dicom';
  const starts = (...bytes: number[]) => bytes.every((byte, i) => head[i] === byte);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (starts(0xff, 0xd8, 0xff)) return 'jpeg';
  if (starts(0x49, 0x49, 0x2a, 0x00) || starts(0x4d, 0x4d, 0x00, 0x2a)) return 'tiff';
  if (starts(0x52, 0x49, 0x46, 0x46) && String.fromCharCode(...head.subarray(8, 12)) === 'WEBP') return 'webp';
  return undefined;
}

/** Up to `length` bytes from the start of a file. */
export async function readHead(path: string, length: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** What a DICOM file's header says about the image: its view, patient, study and size. */
export interface DicomHeader {
  /** View Position (0018,5101): `PA`, `AP`, `LL`… */
  view?: string;
  patientId?: string;
  studyUid?: string;
  sex?: string;
  /** Patient's Age (0010,1010), `045Y` → 45; months, weeks and days as fractions of a year. */
  age?: number;
  width?: number;
  height?: number;
}

/** An image file's format and, where its header says, its size and (DICOM) tags; read from its first bytes only. */
export interface ImageHead {
  format: ImageFormat;
  width?: number;
  height?: number;
  dicom?: DicomHeader;
}

/**
 * Reads an image file's head: its format from its signature, its size from the PNG IHDR, the JPEG SOF or the DICOM
 * header, and the DICOM tags an importer uses. Only the bytes before the pixel data are read (a DICOM header is a
 * few KB; the read grows until the header ends), so a folder of 100,000 files is scanned without decoding any.
 * Undefined: not an image file.
 */
export async function readImageHead(path: string): Promise<ImageHead | undefined> {
  let length = 16 * 1024;
  let head = await readHead(path, length);
  const format = sniffImageFormat(head.subarray(0, SIGNATURE_BYTES));
  if (format === undefined) return undefined;
  if (format !== 'dicom') {
    const size = pngSize(head) ?? jpegSize(head);
    return size === undefined ? { format } : { format, width: size.width, height: size.height };
  }
  for (;;) {
    const header = dicomHeaderOf(head, head.length < length);
    if (header !== undefined) return { format, ...sizeOf(header), dicom: header };
    if (head.length < length) return { format, dicom: {} };
    length *= 8;
    head = await readHead(path, length);
  }
}

function sizeOf(header: DicomHeader | undefined): { width?: number; height?: number } {
  return header?.width === undefined || header.height === undefined
    ? {}
    : { width: header.width, height: header.height };
}

/**
 * The tags of a DICOM header held whole in `bytes` (parsed up to the pixel data); undefined when `bytes` ends before
 * the pixel data unless `whole` (the file itself ends there: a header without an image still has its tags).
 */
function dicomHeaderOf(bytes: Uint8Array, whole: boolean): DicomHeader | undefined {
  let dataSet: dicomParser.DataSet;
  try {
    dataSet = dicomParser.parseDicom(bytes, { untilTag: 'x7fe00010' });
  } catch {
    return undefined;
  }
  if (dataSet.elements.x7fe00010 === undefined && !whole) return undefined;
  const text = (tag: string) => dataSet.string(tag)?.replace(/\0/g, '').trim() || undefined;
  const width = dataSet.uint16('x00280011');
  const height = dataSet.uint16('x00280010');
  const age = ageOf(text('x00101010'));
  const header: DicomHeader = {};
  const set = <K extends keyof DicomHeader>(key: K, value: DicomHeader[K] | undefined) => {
    if (value !== undefined) header[key] = value;
  };
  set('view', text('x00185101')?.toUpperCase());
  set('patientId', text('x00100020'));
  set('studyUid', text('x0020000d'));
  set('sex', text('x00100040'));
  set('age', age);
  set('width', width || undefined);
  set('height', height || undefined);
  return header;
}

/** DICOM's age string (AS): `nnnD`, `nnnW`, `nnnM` or `nnnY`; a bare number (as some exporters write) is years. */
export function ageOf(value: string | undefined): number | undefined {
  const match = /^(\d{1,3})\s*([DWMY])?$/i.exec(value?.trim() ?? '');
  if (match === null) return undefined;
  const n = Number(match[1]);
  const perYear = { D: 365.25, W: 52.18, M: 12, Y: 1 }[(match[2] ?? 'Y').toUpperCase() as 'D' | 'W' | 'M' | 'Y'];
  return Math.round((n / perYear) * 100) / 100;
}

/**
 * Every file under `root`, as paths relative to it with `/` between folders, in a stable order (names sorted,
 * folders and files alike). Hidden files and folders (`.DS_Store`, `.git`) are not walked. A symbolic link to a
 * file counts (label folders are often built of links); a link to a folder is not followed, so no cycle is.
 */
export async function* walkFiles(root: string, folder = ''): AsyncIterable<string> {
  const entries = await readdir(join(root, folder), { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = folder === '' ? entry.name : `${folder}/${entry.name}`;
    if (entry.isDirectory()) yield* walkFiles(root, path);
    else if (entry.isFile() || (entry.isSymbolicLink() && (await isLinkToFile(join(root, path))))) yield path;
  }
}

async function isLinkToFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** A file's name without folder and extension: how the label files name images (`<id>.dcm` → `<id>`). */
export function stemOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return name.slice(0, name.length - extname(name).length);
}

/**
 * The image files under `root` by stem, for datasets whose label file names images by id while the images lie in
 * nested folders (SIIM-ACR's `<study>/<series>/<SOP UID>.dcm`) or come in another format than published (a PNG
 * export of DICOM). Files are recognised by extension; the import checks their content. Empty when `root` is absent.
 */
export async function imagesByStem(root: string | undefined): Promise<Map<string, string>> {
  const byStem = new Map<string, string>();
  if (root === undefined) return byStem;
  try {
    for await (const path of walkFiles(root)) {
      if (!IMAGE_EXTENSIONS.has(extname(path).toLowerCase())) continue;
      const stem = stemOf(path);
      if (!byStem.has(stem)) byStem.set(stem, path);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return byStem;
}

/**
 * The head of the image at `path` in `folder` when its file is there and reads (size, DICOM tags), else undefined:
 * a missing or broken image is the import's to report, with its code, once.
 */
export async function headOfImage(folder: string | undefined, path: string): Promise<ImageHead | undefined> {
  if (folder === undefined) return undefined;
  try {
    return await readImageHead(resolveInside(folder, path));
  } catch {
    return undefined;
  }
}
