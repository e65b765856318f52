import { createRequire } from 'node:module';
import { cxrError, isCxrError } from '../../errors.js';
import { jpeg2000Size, jpegSize } from './pixel-budget.js';

type CodecFamily = 'jpeg' | 'jpeg-ls' | 'jpeg-2000' | 'rle';

/**
 * The compressed transfer syntaxes read, by UID. JPEG (baseline, 12-bit extended, lossless), JPEG 2000 and RLE go
 * through dcmjs-codecs (DCMTK's IJG 8/12/16-bit libjpeg, OpenJPEG, DCMTK's RLE, in one WebAssembly module); JPEG-LS
 * through @cornerstonejs/codec-charls (CharLS), 2.4× faster here than dcmjs-codecs' CharLS build. Measured by
 * bench/dicom-decode.ts.
 */
export const COMPRESSED_SYNTAXES: ReadonlyMap<string, { name: string; family: CodecFamily }> = new Map([
  ['1.2.840.10008.1.2.4.50', { name: 'JPEG Baseline', family: 'jpeg' }],
  ['1.2.840.10008.1.2.4.51', { name: 'JPEG Extended (12-bit)', family: 'jpeg' }],
  ['1.2.840.10008.1.2.4.57', { name: 'JPEG Lossless (process 14)', family: 'jpeg' }],
  ['1.2.840.10008.1.2.4.70', { name: 'JPEG Lossless (process 14, selection value 1)', family: 'jpeg' }],
  ['1.2.840.10008.1.2.4.80', { name: 'JPEG-LS Lossless', family: 'jpeg-ls' }],
  ['1.2.840.10008.1.2.4.81', { name: 'JPEG-LS Near-Lossless', family: 'jpeg-ls' }],
  ['1.2.840.10008.1.2.4.90', { name: 'JPEG 2000 Lossless', family: 'jpeg-2000' }],
  ['1.2.840.10008.1.2.4.91', { name: 'JPEG 2000', family: 'jpeg-2000' }],
  ['1.2.840.10008.1.2.5', { name: 'RLE Lossless', family: 'rle' }],
] as const);

/** What the DICOM header says a frame holds. */
export interface FrameLayout {
  width: number;
  height: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  signed: boolean;
  photometric: string;
}

/** One decoded frame: samples of `bitsAllocated` bits, as stored (not yet masked), pixel by pixel or plane by plane. */
export interface DecodedFrame {
  samples: Uint8Array | Uint16Array;
  planar: boolean;
  /** After the codec's colour conversion (JPEG's YCbCr comes back as RGB). */
  photometric: string;
}

/**
 * Decodes one compressed frame. The codestream's own size is read first and must be the header's (which the pixel
 * budget has passed): a codec allocates what its stream declares, so a small file cannot make it allocate more.
 * The WebAssembly modules load on the first compressed frame a process meets (~200 ms for dcmjs-codecs, ~15 ms for
 * CharLS), never before.
 */
export async function decodeCompressedFrame(
  family: CodecFamily,
  frame: Uint8Array,
  layout: FrameLayout,
  name: string,
): Promise<DecodedFrame> {
  const stream = family === 'jpeg-2000' ? jpeg2000Codestream(frame) : frame;
  checkStream(family, stream, layout, name);
  // Loaded outside the try: a codec that does not load is this installation's fault (INTERNAL), not the file's.
  const codec = family === 'jpeg-ls' ? await charls() : await dcmjs();
  try {
    const decoded =
      'JpegLSDecoder' in codec
        ? decodeWithCharls(codec, stream, layout)
        : decodeWithDcmjs(codec, family, stream, layout);
    const expected = layout.width * layout.height * layout.samplesPerPixel;
    if (decoded.samples.length !== expected) {
      throw cxrError(
        'IMAGE_CORRUPT',
        `${name}: the ${family} frame decodes to ${decoded.samples.length} samples, not ${expected}`,
      );
    }
    return decoded;
  } catch (error) {
    if (isCxrError(error)) throw error;
    if (error instanceof Error && error.name === 'RuntimeError') {
      // A WebAssembly trap (an aborted module) is not reused: the next frame loads it afresh.
      if ('NativeCodecs' in codec) codec.NativeCodecs.release();
      dcmjsModule = undefined;
      charlsModule = undefined;
    }
    // CharLS throws its C++ exceptions as bare numbers: no message worth repeating.
    const reason = error instanceof Error ? ` (${error.message.trim()})` : '';
    throw cxrError('IMAGE_CORRUPT', `${name}: its ${family} frame does not decode${reason}`);
  }
}

/**
 * The checks a codec does not make before it allocates or returns: the codestream's size is the header's, a JPEG,
 * JPEG-LS or JPEG 2000 stream is whole (it ends with its end-of-image marker, FFD9, which IJG's libjpeg only warns
 * about and fills the missing rows grey), an RLE header has one segment per sample byte, inside the frame.
 */
function checkStream(family: CodecFamily, stream: Uint8Array, layout: FrameLayout, name: string): void {
  if (family === 'rle') {
    checkRleHeader(stream, layout, name);
    return;
  }
  let end = stream.length;
  while (end > 0 && stream[end - 1] === 0) end--; // fragments are padded to an even length
  if (end < 2 || stream[end - 2] !== 0xff || stream[end - 1] !== 0xd9) {
    throw cxrError('IMAGE_CORRUPT', `${name}: its ${family} frame is cut short (no end-of-image marker)`);
  }
  const size = family === 'jpeg-2000' ? jpeg2000Size(stream) : jpegSize(stream);
  if (size === undefined) throw cxrError('IMAGE_CORRUPT', `${name}: its ${family} frame has no readable frame header`);
  if (size.width !== layout.width || size.height !== layout.height) {
    throw cxrError(
      'IMAGE_CORRUPT',
      `${name}: its ${family} frame is ${size.width}×${size.height}, the header says ${layout.width}×${layout.height}`,
    );
  }
}

/** PS3.5 G.5: a 64-byte header of segment count and offsets, one segment per byte of each sample. */
function checkRleHeader(stream: Uint8Array, layout: FrameLayout, name: string): void {
  const expected = (layout.bitsAllocated / 8) * layout.samplesPerPixel;
  const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
  const count = stream.length >= 64 ? view.getUint32(0, true) : -1;
  const offsets = Array.from({ length: Math.max(0, count) }, (_, i) => view.getUint32(4 + 4 * i, true));
  const inside = offsets.every(
    (offset, i) => offset >= 64 && offset < stream.length && (i === 0 || offset > (offsets[i - 1] as number)),
  );
  if (count !== expected || !inside) {
    throw cxrError(
      'IMAGE_CORRUPT',
      `${name}: its RLE header does not describe ${expected} segments inside its ${stream.length} bytes`,
    );
  }
}

/** The codestream of a JPEG 2000 frame some writers wrap in a JP2 file (its `jp2c` box), as it is otherwise. */
function jpeg2000Codestream(frame: Uint8Array): Uint8Array {
  const jp2 = [0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20];
  if (!jp2.every((byte, i) => frame[i] === byte)) return frame;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  for (let at = 0; at + 8 <= frame.length; ) {
    const length = view.getUint32(at);
    if (String.fromCharCode(...frame.subarray(at + 4, at + 8)) === 'jp2c') {
      return frame.subarray(at + 8, length === 0 ? frame.length : at + length);
    }
    if (length < 8) break;
    at += length;
  }
  return frame;
}

const require = createRequire(import.meta.url);
type DcmjsCodecs = typeof import('dcmjs-codecs');
let dcmjsModule: Promise<DcmjsCodecs> | undefined;

function dcmjs(): Promise<DcmjsCodecs> {
  dcmjsModule ??= (async () => {
    const codecs = require('dcmjs-codecs') as DcmjsCodecs;
    if (!codecs.NativeCodecs.isInitialized()) await codecs.NativeCodecs.initializeAsync();
    return codecs;
  })().catch((error: unknown) => {
    dcmjsModule = undefined;
    throw cxrError('INTERNAL', `the DICOM codecs (dcmjs-codecs) did not load: ${String(error)}`);
  });
  return dcmjsModule;
}

function decodeWithDcmjs(codecs: DcmjsCodecs, family: CodecFamily, stream: Uint8Array, layout: FrameLayout) {
  const { Context, NativeCodecs } = codecs;
  const context = new Context({
    width: layout.width,
    height: layout.height,
    bitsAllocated: layout.bitsAllocated,
    bitsStored: layout.bitsStored,
    samplesPerPixel: layout.samplesPerPixel,
    pixelRepresentation: layout.signed ? 1 : 0,
    planarConfiguration: 0, // decoded pixel by pixel whatever the stream's order
    photometricInterpretation: layout.photometric,
    encodedBuffer: stream,
  });
  const decoded =
    family === 'jpeg'
      ? NativeCodecs.decodeJpeg(context, { convertColorspaceToRgb: true })
      : family === 'jpeg-2000'
        ? NativeCodecs.decodeJpeg2000(context, {})
        : NativeCodecs.decodeRle(context, {});
  const bytes = decoded.getDecodedBuffer() ?? new Uint8Array(0);
  return {
    samples: samplesOf(bytes, layout.width * layout.height * layout.samplesPerPixel),
    planar: false,
    photometric: decoded.getPhotometricInterpretation() ?? layout.photometric,
  };
}

/** The subset of @cornerstonejs/codec-charls (CharLS 2 through Emscripten) used here. */
interface CharlsModule {
  JpegLSDecoder: new () => {
    getEncodedBuffer(length: number): Uint8Array;
    decode(): void;
    getDecodedBuffer(): Uint8Array;
    getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number };
    getInterleaveMode(): number;
    delete(): void;
  };
}
let charlsModule: Promise<CharlsModule> | undefined;

function charls(): Promise<CharlsModule> {
  charlsModule ??= (async () => {
    const factory = require('@cornerstonejs/codec-charls/decodewasmjs') as (options: object) => Promise<CharlsModule>;
    return factory({ print: () => undefined, printErr: () => undefined });
  })().catch((error: unknown) => {
    charlsModule = undefined;
    throw cxrError('INTERNAL', `the JPEG-LS codec (@cornerstonejs/codec-charls) did not load: ${String(error)}`);
  });
  return charlsModule;
}

function decodeWithCharls(module: CharlsModule, stream: Uint8Array, layout: FrameLayout): DecodedFrame {
  const decoder = new module.JpegLSDecoder();
  try {
    decoder.getEncodedBuffer(stream.length).set(stream);
    decoder.decode();
    const info = decoder.getFrameInfo();
    const count = info.width * info.height * info.componentCount;
    return {
      samples: samplesOf(decoder.getDecodedBuffer(), count),
      // Interleave mode 0 (none) keeps each component's plane whole.
      planar: info.componentCount > 1 && decoder.getInterleaveMode() === 0,
      photometric: layout.photometric, // CharLS converts no colour
    };
  } finally {
    decoder.delete(); // frees the module's buffers, so the samples were copied out first
  }
}

/** Decoded bytes as samples (one byte each, or two, little-endian), copied out of the codec's memory. */
function samplesOf(bytes: Uint8Array, count: number): Uint8Array | Uint16Array {
  if (bytes.length === count * 2) {
    const copy = bytes.slice();
    return new Uint16Array(copy.buffer, copy.byteOffset, count);
  }
  return bytes.slice();
}
