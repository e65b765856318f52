import dicomParser from 'dicom-parser';
import { cxrError } from '../../errors.js';
import { COMPRESSED_SYNTAXES, type DecodedFrame, decodeCompressedFrame, type FrameLayout } from './dicom-codecs.js';
import { firstEncapsulatedFrame } from './dicom-frame.js';
import { applyVoi, type VoiChoice, type VoiLut, type VoiParameters, type VoiWindow } from './dicom-voi.js';
import { checkDeclaredSize, DEFAULT_PIXEL_BUDGET } from './pixel-budget.js';

/** Transfer syntaxes whose pixel data is stored uncompressed (implicit LE, explicit LE, explicit BE). */
const UNCOMPRESSED = new Map([
  ['1.2.840.10008.1.2', false],
  ['1.2.840.10008.1.2.1', false],
  ['1.2.840.10008.1.2.2', true],
]);

/** Rec. 709 luma, the weights the PNG reader (png.ts) uses: an RGB DICOM reads as its RGB PNG export does. */
const LUMA = [0.2126, 0.7152, 0.0722] as const;

export interface DicomGrey {
  width: number;
  height: number;
  /** Display values in [0, 1], 0 = black, after rescale, VOI and MONOCHROME1 inversion. */
  data: Float32Array;
  view?: string;
  /** Which VOI made the display values (see applyVoi). */
  voi: VoiChoice;
}

export function isDicom(bytes: Uint8Array): boolean {
  return bytes.length > 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

/**
 * Decodes the first frame of a DICOM image to display grey values: uncompressed (implicit or explicit VR, either
 * endianness) or compressed (COMPRESSED_SYNTAXES: JPEG baseline, extended and lossless, JPEG-LS, JPEG 2000, RLE),
 * 8 to 16 bits stored, signed or not, grey or RGB (reduced to luma); then applyVoi: rescale, VOI LUT or window
 * (else the stored range, or a robust percentile window past 8 bits), MONOCHROME1 inverted. Other compressed
 * syntaxes are refused with DICOM_COMPRESSED_UNSUPPORTED. A file whose rows × columns × frames exceed `budget` is
 * refused from its header with IMAGE_TOO_LARGE: every frame counts, though only the first is read, since a file
 * that size is not one chest radiograph.
 */
export async function decodeDicom(
  bytes: Uint8Array,
  name = 'DICOM file',
  budget = DEFAULT_PIXEL_BUDGET,
): Promise<DicomGrey> {
  const { dataSet, layout, pixels, frames, bigEndian, compressed } = readDicomHeader(bytes, name, budget);
  const frame =
    compressed === undefined
      ? uncompressedFrame(bytes, pixels, layout, { bigEndian, planar: dataSet.uint16('x00280006') === 1 }, name)
      : await decodeCompressedFrame(
          compressed.family,
          firstEncapsulatedFrame(dataSet, pixels, frames, name),
          layout,
          name,
        );
  // Uncompressed samples sit at High Bit (0028,0102); a codec returns them from bit 0.
  const highBit =
    compressed === undefined ? (dataSet.uint16('x00280102') ?? layout.bitsStored - 1) : layout.bitsStored - 1;
  const data = greyValues(frame, layout, highBit, name);
  const voi = applyVoi(data, voiParameters(dataSet, layout, !bigEndian));
  return {
    width: layout.width,
    height: layout.height,
    data,
    view: dataSet.string('x00185101')?.trim() || undefined,
    voi,
  };
}

/**
 * A DICOM file's header, checked as decodeDicom checks it (a transfer syntax this reader decodes, a supported
 * layout, the pixel budget), without decoding any pixel: what an import's header check reads.
 */
export function readDicomHeader(bytes: Uint8Array, name: string, budget = DEFAULT_PIXEL_BUDGET) {
  // The syntax from the file meta information first: the data set after it may be one dicom-parser cannot read
  // (deflated), and then it is the syntax to name.
  const syntax = (parse(bytes, name, true).string('x00020010') ?? '1.2.840.10008.1.2').replace(/\0/g, '').trim();
  const bigEndian = UNCOMPRESSED.get(syntax);
  const compressed = COMPRESSED_SYNTAXES.get(syntax);
  if (bigEndian === undefined && compressed === undefined) {
    const supported = [...COMPRESSED_SYNTAXES.values()].map((s) => s.name).join(', ');
    throw cxrError(
      'DICOM_COMPRESSED_UNSUPPORTED',
      `${name}: transfer syntax ${syntax} is not one this reader decodes (uncompressed, ${supported}); ` +
        'export it uncompressed',
      { transferSyntax: syntax },
    );
  }
  const dataSet = parse(bytes, name);
  const layout = readLayout(dataSet, name);
  const pixels = dataSet.elements.x7fe00010;
  if (pixels === undefined) throw cxrError('IMAGE_CORRUPT', `${name}: no pixel data`);
  const frames = Math.max(1, Math.trunc(dataSet.intString('x00280008') ?? 1) || 1);
  checkDeclaredSize({ width: layout.width, height: layout.height, frames }, name, budget);
  if (compressed !== undefined && pixels.encapsulatedPixelData !== true) {
    throw cxrError('IMAGE_CORRUPT', `${name}: transfer syntax ${syntax} is compressed, its pixel data is not`);
  }
  return { dataSet, layout, pixels, frames, bigEndian: bigEndian === true, compressed };
}

function parse(bytes: Uint8Array, name: string, metaOnly = false): dicomParser.DataSet {
  try {
    return metaOnly ? dicomParser.readPart10Header(bytes) : dicomParser.parseDicom(bytes);
  } catch (error) {
    const reason = typeof error === 'string' ? error : String((error as Error).message ?? error);
    throw cxrError('IMAGE_CORRUPT', `${name}: not a readable DICOM file (${reason})`);
  }
}

function readLayout(dataSet: dicomParser.DataSet, name: string): FrameLayout {
  const bitsAllocated = dataSet.uint16('x00280100') ?? 16;
  const layout: FrameLayout = {
    width: dataSet.uint16('x00280011') ?? 0,
    height: dataSet.uint16('x00280010') ?? 0,
    samplesPerPixel: dataSet.uint16('x00280002') ?? 1,
    bitsAllocated,
    bitsStored: dataSet.uint16('x00280101') ?? bitsAllocated,
    signed: dataSet.uint16('x00280103') === 1,
    photometric: (dataSet.string('x00280004') ?? 'MONOCHROME2').trim().toUpperCase(),
  };
  if (layout.width === 0 || layout.height === 0) throw cxrError('IMAGE_CORRUPT', `${name}: no image size`);
  if (![8, 16].includes(bitsAllocated)) {
    throw cxrError('IMAGE_UNSUPPORTED', `${name}: ${bitsAllocated} bits allocated per sample (8 and 16 are supported)`);
  }
  if (layout.bitsStored < 1 || layout.bitsStored > bitsAllocated) {
    throw cxrError('IMAGE_CORRUPT', `${name}: ${layout.bitsStored} bits stored in ${bitsAllocated} allocated`);
  }
  const colour =
    layout.samplesPerPixel === 3 &&
    ['RGB', 'YBR_FULL', 'YBR_FULL_422', 'YBR_ICT', 'YBR_RCT'].includes(layout.photometric);
  if (!colour && !(layout.samplesPerPixel === 1 && layout.photometric.startsWith('MONOCHROME'))) {
    throw cxrError(
      'IMAGE_UNSUPPORTED',
      `${name}: ${layout.samplesPerPixel} samples per pixel, ${layout.photometric} (grey and RGB are supported)`,
    );
  }
  return layout;
}

/** The first frame's samples as stored, in the file's byte order. */
function uncompressedFrame(
  bytes: Uint8Array,
  pixels: dicomParser.Element,
  layout: FrameLayout,
  order: { bigEndian: boolean; planar: boolean },
  name: string,
): DecodedFrame {
  if (layout.photometric === 'YBR_FULL_422') {
    // Stored uncompressed it is subsampled (two Y, one Cb, one Cr): a layout no chest X-ray export uses.
    throw cxrError('IMAGE_UNSUPPORTED', `${name}: uncompressed YBR_FULL_422 pixel data`);
  }
  const count = layout.width * layout.height * layout.samplesPerPixel;
  const bytesPerSample = layout.bitsAllocated / 8;
  if (pixels.length < count * bytesPerSample || pixels.dataOffset + count * bytesPerSample > bytes.length) {
    throw cxrError(
      'IMAGE_CORRUPT',
      `${name}: pixel data is shorter than ${layout.width}×${layout.height}×${layout.samplesPerPixel} samples`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + pixels.dataOffset, count * bytesPerSample);
  let samples: Uint8Array | Uint16Array;
  if (bytesPerSample === 1) samples = bytes.slice(pixels.dataOffset, pixels.dataOffset + count);
  else {
    samples = new Uint16Array(count);
    for (let i = 0; i < count; i++) samples[i] = view.getUint16(i * 2, !order.bigEndian);
  }
  // Planar Configuration (0028,0006) 1: all reds, then all greens, then all blues.
  return { samples, planar: layout.samplesPerPixel > 1 && order.planar, photometric: layout.photometric };
}

/**
 * Stored grey values: each sample taken from its bits (High Bit, Bits Stored) and sign-extended when signed, as
 * floats; colour reduced to Rec. 709 luma (YBR_FULL converted to RGB first; codecs return JPEG's YCbCr as RGB).
 */
function greyValues(frame: DecodedFrame, layout: FrameLayout, highBit: number, name: string): Float32Array {
  const { samples } = frame;
  const pixels = layout.width * layout.height;
  if (samples.length < pixels * layout.samplesPerPixel) throw cxrError('IMAGE_CORRUPT', `${name}: too few samples`);
  const shift = Math.max(0, highBit + 1 - layout.bitsStored);
  const mask = 2 ** layout.bitsStored - 1;
  const signBit = 2 ** (layout.bitsStored - 1);
  const full = 2 ** layout.bitsStored;
  const value = (i: number) => {
    const v = ((samples[i] as number) >> shift) & mask;
    return layout.signed && v >= signBit ? v - full : v;
  };
  const out = new Float32Array(pixels);
  if (layout.samplesPerPixel === 1) {
    if (shift === 0 && !layout.signed && layout.bitsStored === layout.bitsAllocated)
      out.set(samples.subarray(0, pixels));
    else for (let p = 0; p < pixels; p++) out[p] = value(p);
    return out;
  }
  const [step, plane] = frame.planar ? [1, pixels] : [3, 1];
  const ybr = frame.photometric === 'YBR_FULL';
  const middle = 2 ** (layout.bitsStored - 1);
  for (let p = 0; p < pixels; p++) {
    const at = p * step;
    let [r, g, b] = [value(at), value(at + plane), value(at + 2 * plane)];
    if (ybr) [r, g, b] = ybrToRgb(r, g - middle, b - middle);
    out[p] = LUMA[0] * r + LUMA[1] * g + LUMA[2] * b;
  }
  return out;
}

/** PS3.3 C.7.6.3.1.2 YBR_FULL (ITU-R BT.601 full range) to RGB; Cb and Cr centred on 0. */
function ybrToRgb(y: number, cb: number, cr: number): [number, number, number] {
  return [y + 1.402 * cr, y - 0.344136 * cb - 0.714136 * cr, y + 1.772 * cb];
}

function voiParameters(dataSet: dicomParser.DataSet, layout: FrameLayout, littleEndian: boolean): VoiParameters {
  const presentationInverse = (dataSet.string('x20500020') ?? '').trim().toUpperCase() === 'INVERSE';
  return {
    slope: dataSet.floatString('x00281053') ?? 1,
    intercept: dataSet.floatString('x00281052') ?? 0,
    lut: voiLut(dataSet, layout, littleEndian),
    window: voiWindow(dataSet),
    bitsStored: layout.bitsStored,
    signed: layout.signed,
    invert: (layout.photometric === 'MONOCHROME1') !== presentationInverse,
  };
}

function voiWindow(dataSet: dicomParser.DataSet): VoiWindow | undefined {
  const centre = dataSet.floatString('x00281050');
  const width = dataSet.floatString('x00281051');
  if (centre === undefined || width === undefined || !Number.isFinite(centre) || !Number.isFinite(width)) {
    return undefined;
  }
  const named = (dataSet.string('x00281056') ?? 'LINEAR').trim().toUpperCase();
  const shape = named === 'SIGMOID' || named === 'LINEAR_EXACT' ? named : 'LINEAR';
  // LINEAR needs a width of at least 1, the others more than 0 (C.11.2.1.2); a window without one is ignored.
  if (shape === 'LINEAR' ? width < 1 : width <= 0) return undefined;
  return { centre, width, shape };
}

/**
 * The first item of the VOI LUT Sequence (0028,3010): descriptor (entries, 0 meaning 65,536; first mapped value,
 * signed when the pixels are; bits per entry) and data, 16-bit words (or bytes, as some writers pack 8-bit LUTs).
 */
function voiLut(dataSet: dicomParser.DataSet, layout: FrameLayout, littleEndian: boolean): VoiLut | undefined {
  const item = dataSet.elements.x00283010?.items?.[0]?.dataSet;
  const data = item?.elements.x00283006;
  if (item === undefined || data === undefined || item.elements.x00283002 === undefined) return undefined;
  const entries = item.uint16('x00283002', 0) || 65536;
  const firstRaw = item.uint16('x00283002', 1) ?? 0;
  const firstMapped = layout.signed && firstRaw >= 32768 ? firstRaw - 65536 : firstRaw;
  const bits = item.uint16('x00283002', 2) ?? 16;
  const at = item.byteArray.byteOffset + data.dataOffset;
  const view = new DataView(item.byteArray.buffer, at, data.length);
  const packedBytes = data.length === entries || data.length === entries + 1;
  if (!packedBytes && data.length < entries * 2) return undefined; // a LUT shorter than it says: not used
  const values = new Uint16Array(entries);
  for (let i = 0; i < entries; i++) values[i] = packedBytes ? view.getUint8(i) : view.getUint16(i * 2, littleEndian);
  if (bits < 1 || bits > 16) return undefined;
  return { firstMapped, bits, data: values };
}
