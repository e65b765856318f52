import { readFile, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { CxrError, cxrError } from '../../errors.js';
import { decodeDicom, isDicom, readDicomHeader } from './dicom.js';
import { checkDeclaredSize, checkPixelBudget, DEFAULT_PIXEL_BUDGET } from './pixel-budget.js';
import { decodePngGrey } from './png.js';
import { resizeArea } from './resize.js';

export interface GreyImage {
  width: number;
  height: number;
  /** Row-major grey values in [0, 1]. */
  data: Float32Array;
}

export interface ImageInfo {
  width: number;
  height: number;
  format: string;
}

/**
 * How an image is brought to the model's size. `area` (area averaging, resize.ts) since bundles record it;
 * `lanczos3` (sharp's default) is what bundles written before were trained on, kept so they read as they did.
 */
export type ResizeKernel = 'area' | 'lanczos3';

/**
 * How an image meets the requested size: `fill` stretches it to `size`×`size` (the model's input), `inside` keeps
 * its aspect with its longer side at most `size`, never enlarged (a preview).
 */
export type Fit = 'fill' | 'inside';

/**
 * Any chest X-ray file (PNG, JPEG, TIFF; 8 or 16 bit; grey or RGB; DICOM, compressed or not) to grey values in
 * [0, 1], resized to `size` when given (the model's input). Failures carry IMAGE_MISSING, IMAGE_CORRUPT,
 * IMAGE_UNSUPPORTED, DICOM_COMPRESSED_UNSUPPORTED or, for an image declaring more than `budget` pixels,
 * IMAGE_TOO_LARGE (refused from its header, before any pixel is decoded).
 */
export async function decodeGrey(
  input: string | Uint8Array,
  size?: number,
  resize: ResizeKernel = 'area',
  budget = DEFAULT_PIXEL_BUDGET,
): Promise<GreyImage> {
  const bytes = typeof input === 'string' ? await readBytes(input) : input;
  return decodeGreyBytes(bytes, typeof input === 'string' ? input : 'image', size, resize, budget);
}

/** decodeGrey of bytes already read; `name` (the file) is what errors mention. */
export async function decodeGreyBytes(
  bytes: Uint8Array,
  name: string,
  size?: number,
  resize: ResizeKernel = 'area',
  budget = DEFAULT_PIXEL_BUDGET,
  fit: Fit = 'fill',
): Promise<GreyImage> {
  if (isDicom(bytes)) {
    const { width, height, data } = await decodeDicom(bytes, name, budget);
    const dicom = { width, height, data };
    if (size === undefined) return dicom;
    if (fit === 'inside') return resizeInside(dicom, size);
    return resize === 'area' ? resizeArea(dicom, size) : resizeWithSharp(dicom, size);
  }
  checkPixelBudget(bytes, name, budget);
  if (size !== undefined && resize === 'lanczos3' && fit === 'fill') return decodeWithSharp(bytes, name, budget, size);
  const full = decodePngGrey(bytes, name, budget) ?? (await decodeWithSharp(bytes, name, budget));
  if (size === undefined) return full;
  return fit === 'inside' ? resizeInside(full, size) : resizeArea(full, size);
}

/** The image with its longer side at most `size`, aspect kept, by area averaging. */
function resizeInside(image: GreyImage, size: number): GreyImage {
  const scale = Math.min(1, size / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  return resizeArea(image, width, height);
}

/**
 * Every format sharp reads, resized by sharp (lanczos3) when `size` is given. sharp checks the budget against the
 * header of the formats checkPixelBudget does not read (TIFF, WebP…) before decoding them.
 */
async function decodeWithSharp(bytes: Uint8Array, name: string, budget: number, size?: number): Promise<GreyImage> {
  try {
    let pipeline = sharp(bytes, { failOn: 'error', limitInputPixels: budget }).removeAlpha().toColourspace('grey16');
    if (size !== undefined) pipeline = pipeline.resize(size, size, { fit: 'fill' });
    const { data, info } = await pipeline.raw({ depth: 'ushort' }).toBuffer({ resolveWithObject: true });
    const samples = new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2);
    const grey = new Float32Array(info.width * info.height);
    for (let p = 0; p < grey.length; p++) grey[p] = (samples[p * info.channels] as number) / 65535;
    return { width: info.width, height: info.height, data: grey };
  } catch (error) {
    throw asImageError(error, name, bytes);
  }
}

/** Size and format from the header only (fast); a file sharp cannot even identify is IMAGE_CORRUPT. */
export function readImageInfo(path: string): Promise<ImageInfo> {
  return inspectImage(path, false);
}

/**
 * Checks an image file the way an import does: reads it once, takes size and format from its header and, with
 * `decode`, decodes it fully (a truncated file passes the header but not this) — without reading it twice.
 */
export async function inspectImage(path: string, decode: boolean, budget = DEFAULT_PIXEL_BUDGET): Promise<ImageInfo> {
  const bytes = await readBytes(path);
  if (isDicom(bytes)) {
    // The header's checks (syntax, layout, budget) either way; the pixels (a codec's work) only with `decode`.
    const { width, height } = decode
      ? await decodeDicom(bytes, path, budget)
      : readDicomHeader(bytes, path, budget).layout;
    return { width, height, format: 'dicom' };
  }
  checkPixelBudget(bytes, path, budget);
  try {
    const meta = await sharp(bytes).metadata();
    checkDeclaredSize({ width: meta.width ?? 0, height: meta.height ?? 0, frames: 1 }, path, budget);
    // A PNG is checked by the reader that will decode it (a third of sharp's time); anything else by a small
    // decode through sharp (JPEG shrinks on load, so this stays cheap for large files).
    if (decode && decodePngGrey(bytes, path, budget) === undefined) {
      await sharp(bytes, { failOn: 'error', limitInputPixels: budget })
        .resize(32, 32, { fit: 'fill' })
        .raw()
        .toBuffer();
    }
    return { width: meta.width ?? 0, height: meta.height ?? 0, format: meta.format ?? 'unknown' };
  } catch (error) {
    throw asImageError(error, path, bytes);
  }
}

async function resizeWithSharp(image: GreyImage, size: number): Promise<GreyImage> {
  const input = Uint16Array.from(image.data, (v) => Math.round(v * 65535));
  const { data } = await sharp(input, { raw: { width: image.width, height: image.height, channels: 1 } })
    .resize(size, size, { fit: 'fill' })
    .toColourspace('grey16')
    .raw({ depth: 'ushort' })
    .toBuffer({ resolveWithObject: true });
  const samples = new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2);
  return { width: size, height: size, data: Float32Array.from(samples, (v) => v / 65535) };
}

// fs.readFile with a callback: fs.promises.readFile reads in chunks and cost ~0.28 ms of CPU for a 63 KB PNG here,
// this ~0.1 ms (bench: the index build reads every file once).
const readFileAsync = promisify(readFile);

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return await readFileAsync(path);
  } catch (error) {
    throw readError(path, error);
  }
}

/** A file read without yielding, for worker threads, where blocking costs nothing and a read ~0.02 ms. */
export function readImageFileSync(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    throw readError(path, error);
  }
}

function readError(path: string, error: unknown): CxrError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return cxrError('IMAGE_MISSING', `image file not found: ${path}`, { path });
  return cxrError('IMAGE_CORRUPT', `cannot read ${path}: ${(error as Error).message}`, { path });
}

/** A file that starts like an image format we read but fails to decode is corrupt; anything else is unsupported. */
function asImageError(error: unknown, name: string, bytes: Uint8Array): CxrError {
  if (error instanceof CxrError) return error;
  const message = (error as Error).message ?? String(error);
  if (/exceeds pixel limit/.test(message)) {
    return cxrError('IMAGE_TOO_LARGE', `${name}: declares more pixels than an image may have`, { path: name });
  }
  return cxrError(looksLikeImage(bytes) ? 'IMAGE_CORRUPT' : 'IMAGE_UNSUPPORTED', `${name}: ${message}`, { path: name });
}

const SIGNATURES = [
  [0x89, 0x50, 0x4e, 0x47], // PNG
  [0xff, 0xd8, 0xff], // JPEG
  [0x49, 0x49, 0x2a, 0x00], // TIFF, little-endian
  [0x4d, 0x4d, 0x00, 0x2a], // TIFF, big-endian
];

function looksLikeImage(bytes: Uint8Array): boolean {
  return SIGNATURES.some((signature) => signature.every((byte, i) => bytes[i] === byte));
}
