import { inflateSync } from 'node:zlib';
import { cxrError } from '../../errors.js';
import type { GreyImage } from './decode.js';
import { checkDeclaredSize, DEFAULT_PIXEL_BUDGET } from './pixel-budget.js';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Samples per pixel by PNG colour type: grey, RGB, (palette: not here), grey + alpha, RGBA. */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };
/** Rec. 709 luma weights in 1/32768ths; they sum to 32768, so a pixel with R = G = B (an X-ray) keeps its value. */
const LUMA = [6966, 23436, 2366] as const;
const BYTE = 1 / 255;
/** Inflated bytes allowed past the image's size (some writers leave a little; more is not an image). */
const SLACK = 65536;
const LUMA_BYTE = 1 / (32768 * 255);

interface Header {
  width: number;
  height: number;
  bitDepth: number;
  channels: number;
}

/**
 * The common chest X-ray PNG (non-interlaced, 8 or 16 bits, grey / grey + alpha / RGB / RGBA) to grey values in
 * [0, 1], with Node's zlib and one pass over the rows. It exists for speed: for a 256² file it costs ~0.3 ms of CPU
 * where sharp's pipeline costs ~1 ms, and at the 64² CPU default the index build spends more on decoding than on
 * the whole cascade (bench/annotate). Returns undefined for what it does not read (palette, interlaced, 1–4 bit
 * grey: sharp reads those); a file it reads but that is broken is IMAGE_CORRUPT, one that declares more than
 * `budget` pixels IMAGE_TOO_LARGE (before anything is inflated).
 */
export function decodePngGrey(bytes: Uint8Array, name: string, budget = DEFAULT_PIXEL_BUDGET): GreyImage | undefined {
  if (!SIGNATURE.every((byte, i) => bytes[i] === byte)) return undefined;
  const { header, data, interlaced } = readChunks(bytes, name);
  if (header === undefined || interlaced) return undefined;
  checkDeclaredSize({ width: header.width, height: header.height, frames: 1 }, name, budget);
  const rowBytes = (header.width * header.channels * header.bitDepth) / 8;
  const expected = header.height * (rowBytes + 1);
  let pixels: Buffer;
  try {
    // Bounded: a few KB of compressed zeros can claim gigabytes (an upload is 20 MB at most, inflated it need not be).
    pixels = inflateSync(data, { maxOutputLength: expected + SLACK });
  } catch (error) {
    throw corrupt(name, `its image data does not inflate to its size (${(error as Error).message})`);
  }
  if (pixels.length < expected) throw corrupt(name, 'its image data is shorter than its size');
  return { width: header.width, height: header.height, data: unfilterToGrey(pixels, header, rowBytes, name) };
}

function readChunks(bytes: Uint8Array, name: string): { header?: Header; data: Buffer; interlaced: boolean } {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Buffer[] = [];
  let header: Header | undefined;
  let interlaced = false;
  let at = SIGNATURE.length;
  for (;;) {
    if (at + 12 > view.length) throw corrupt(name, 'it ends before its IEND chunk (truncated?)');
    const length = view.readUInt32BE(at);
    const type = view.toString('latin1', at + 4, at + 8);
    const body = view.subarray(at + 8, at + 8 + length);
    if (body.length < length) throw corrupt(name, `its ${type} chunk is cut short (truncated?)`);
    if (type === 'IHDR') {
      const colourType = body[9] as number;
      const bitDepth = body[8] as number;
      const channels = CHANNELS[colourType];
      interlaced = body[12] !== 0;
      if (channels === undefined || (bitDepth !== 8 && bitDepth !== 16)) return { data: view, interlaced };
      header = { width: body.readUInt32BE(0), height: body.readUInt32BE(4), bitDepth, channels };
      if (header.width === 0 || header.height === 0) throw corrupt(name, 'it has no pixels');
    } else if (type === 'IDAT') parts.push(body);
    else if (type === 'IEND') break;
    at += 12 + length;
  }
  if (parts.length === 0) throw corrupt(name, 'it has no image data');
  return { header, data: parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts), interlaced };
}

/** Undoes each row's PNG filter in place and writes the row's grey values. */
function unfilterToGrey(pixels: Buffer, header: Header, rowBytes: number, name: string): Float32Array {
  const { width, height, channels, bitDepth } = header;
  const step = (channels * bitDepth) / 8; // bytes per pixel: the filters' left neighbour
  const grey = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const start = y * (rowBytes + 1) + 1;
    const filter = pixels[start - 1] as number;
    if (filter > 4) throw corrupt(name, `row ${y} has an unknown filter ${filter}`);
    unfilterRow(pixels, start, rowBytes, step, filter, y > 0 ? start - rowBytes - 1 : -1);
    if (bitDepth === 8) greyRow8(pixels, start, width, channels, grey, y * width);
    else greyRow16(pixels, start, width, channels, grey, y * width);
  }
  return grey;
}

/**
 * PNG filters 0–4 (none, sub, up, average, Paeth), one loop each (this runs for every byte of every image);
 * `above` is the previous row's start, or -1 for the first row, whose row above counts as zeros. Writing into a
 * Buffer wraps modulo 256, as the filters require.
 */
function unfilterRow(p: Buffer, start: number, length: number, step: number, filter: number, above: number): void {
  const end = start + length;
  if (filter === 0 || (filter === 2 && above < 0)) return;
  if (filter === 1 || (filter === 4 && above < 0)) {
    // Paeth with a row of zeros above predicts the left neighbour, as sub does.
    for (let i = start + step; i < end; i++) p[i] = (p[i] as number) + (p[i - step] as number);
  } else if (filter === 2) {
    for (let i = start, j = above; i < end; i++, j++) p[i] = (p[i] as number) + (p[j] as number);
  } else if (filter === 3 && above < 0) {
    for (let i = start + step; i < end; i++) p[i] = (p[i] as number) + ((p[i - step] as number) >> 1);
  } else if (filter === 3) {
    for (let i = start, j = above; i < start + step; i++, j++) p[i] = (p[i] as number) + ((p[j] as number) >> 1);
    for (let i = start + step, j = above + step; i < end; i++, j++) {
      p[i] = (p[i] as number) + (((p[i - step] as number) + (p[j] as number)) >> 1);
    }
  } else {
    for (let i = start, j = above; i < start + step; i++, j++) p[i] = (p[i] as number) + (p[j] as number);
    for (let i = start + step, j = above + step; i < end; i++, j++) {
      p[i] = (p[i] as number) + paeth(p[i - step] as number, p[j] as number, p[j - step] as number);
    }
  }
}

function paeth(left: number, up: number, upLeft: number): number {
  const estimate = left + up - upLeft;
  const toLeft = Math.abs(estimate - left);
  const toUp = Math.abs(estimate - up);
  const toUpLeft = Math.abs(estimate - upLeft);
  if (toLeft <= toUp && toLeft <= toUpLeft) return left;
  return toUp <= toUpLeft ? up : upLeft;
}

/** Grey from 8-bit samples: the grey sample, or RGB's luma; alpha is dropped (as sharp's removeAlpha does). */
function greyRow8(p: Buffer, start: number, width: number, channels: number, out: Float32Array, at: number): void {
  if (channels <= 2) {
    for (let x = 0; x < width; x++) out[at + x] = (p[start + x * channels] as number) * BYTE;
    return;
  }
  for (let x = 0; x < width; x++) {
    const i = start + x * channels;
    const luma = LUMA[0] * (p[i] as number) + LUMA[1] * (p[i + 1] as number) + LUMA[2] * (p[i + 2] as number);
    out[at + x] = luma * LUMA_BYTE;
  }
}

/** Grey from 16-bit big-endian samples. */
function greyRow16(p: Buffer, start: number, width: number, channels: number, out: Float32Array, at: number): void {
  const sample = (i: number) => ((p[i] as number) << 8) | (p[i + 1] as number);
  for (let x = 0; x < width; x++) {
    const i = start + x * channels * 2;
    const luma =
      channels <= 2 ? 32768 * sample(i) : LUMA[0] * sample(i) + LUMA[1] * sample(i + 2) + LUMA[2] * sample(i + 4);
    out[at + x] = luma / (32768 * 65535);
  }
}

function corrupt(name: string, reason: string) {
  return cxrError('IMAGE_CORRUPT', `${name}: not a readable PNG: ${reason}`, { path: name });
}
