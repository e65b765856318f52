import { cxrError } from '../../errors.js';

/**
 * The most pixels one image may declare before it is decoded: 32 Mi (33.5 million, e.g. 5,792²). A chest
 * radiograph has at most ~20 million (4,000×5,000 from the largest detectors; CR plates 3,500×4,300). Measured by
 * bench/decode-budget.ts on the real SIIM DICOM scaled up: a decode to the model's size costs ~8.4 bytes of memory
 * per pixel (4,000×5,000: 16-bit DICOM 171 MB and 0.5 s, PNG 170 MB and 0.26 s, JPEG 141 MB and 0.29 s; 5,000×6,000
 * DICOM 247 MB and 0.8 s), so one decode at the budget stays under ~300 MB and ~1 s. sharp's own limit, 16,383²,
 * let a 261 KB PNG cost 1.6 GB and 3.7 s here (refused now in 0.3 ms).
 */
export const DEFAULT_PIXEL_BUDGET = 32 * 1024 * 1024;

export interface DeclaredSize {
  width: number;
  height: number;
  /** Frames (DICOM's Number of Frames); 1 for everything else. */
  frames: number;
}

/**
 * Refuses an image whose declared size exceeds `budget` with IMAGE_TOO_LARGE, from its header alone: nothing is
 * allocated for pixels before this passes. PNG (IHDR) and JPEG (its SOF) are read here, DICOM by its decoder (which
 * parses the header anyway) and any other format by sharp's `limitInputPixels`, set to the same budget.
 */
export function checkPixelBudget(bytes: Uint8Array, name: string, budget: number): void {
  const size = pngSize(bytes) ?? jpegSize(bytes);
  if (size !== undefined) checkDeclaredSize(size, name, budget);
}

export function checkDeclaredSize(size: DeclaredSize, name: string, budget: number): void {
  const pixels = size.width * size.height * size.frames;
  if (pixels <= budget) return;
  const frames = size.frames === 1 ? '' : ` × ${size.frames} frames`;
  throw cxrError(
    'IMAGE_TOO_LARGE',
    `${name}: declares ${size.width}×${size.height}${frames} pixels (${megapixels(pixels)}), more than the ` +
      `${megapixels(budget)} an image may have`,
    { ...size, pixels, budget },
  );
}

function megapixels(pixels: number): string {
  return `${(pixels / 1e6).toFixed(1)} megapixels`;
}

/** Width and height from a PNG's IHDR, which must be its first chunk. */
export function pngSize(bytes: Uint8Array): DeclaredSize | undefined {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 24 || !signature.every((byte, i) => bytes[i] === byte)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return undefined;
  return { width: view.getUint32(16), height: view.getUint32(20), frames: 1 };
}

/**
 * Width and height from a JPEG's start-of-frame segment (SOF0–SOF15 but DHT, JPG and DAC, which share the marker
 * range, and JPEG-LS's SOF55), walking the segments before it. A height of 0 (defined later by a DNL segment) is
 * left to sharp.
 */
export function jpegSize(bytes: Uint8Array): DeclaredSize | undefined {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined; // not at a marker: corrupt, the decoder says so
    const marker = bytes[at + 1] as number;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // markers without a length
      continue;
    }
    const length = ((bytes[at + 2] as number) << 8) | (bytes[at + 3] as number);
    const isFrame =
      (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) || marker === 0xf7;
    if (isFrame && at + 9 <= bytes.length) {
      const height = ((bytes[at + 5] as number) << 8) | (bytes[at + 6] as number);
      const width = ((bytes[at + 7] as number) << 8) | (bytes[at + 8] as number);
      return height === 0 ? undefined : { width, height, frames: 1 };
    }
    if (marker === 0xda || marker === 0xd9) return undefined; // scan or end before any frame header
    at += 2 + length;
  }
  return undefined;
}

/**
 * Width and height from a JPEG 2000 codestream's SIZ segment, which must follow its SOC marker (ISO 15444-1 A.5.1):
 * the reference grid less the image offset.
 */
export function jpeg2000Size(bytes: Uint8Array): DeclaredSize | undefined {
  if (bytes.length < 24 || bytes[0] !== 0xff || bytes[1] !== 0x4f || bytes[2] !== 0xff || bytes[3] !== 0x51) {
    return undefined;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [gridWidth, gridHeight, left, top] = [8, 12, 16, 20].map((at) => view.getUint32(at)) as number[];
  return {
    width: (gridWidth as number) - (left as number),
    height: (gridHeight as number) - (top as number),
    frames: 1,
  };
}
