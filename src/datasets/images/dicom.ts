import dicomParser from 'dicom-parser';
import { cxrError } from '../../errors.js';
import { checkDeclaredSize, DEFAULT_PIXEL_BUDGET } from './pixel-budget.js';

/** Transfer syntaxes whose pixel data is stored uncompressed (implicit LE, explicit LE, explicit BE). */
const UNCOMPRESSED = new Map([
  ['1.2.840.10008.1.2', false],
  ['1.2.840.10008.1.2.1', false],
  ['1.2.840.10008.1.2.2', true],
]);

export interface DicomGrey {
  width: number;
  height: number;
  /** Display values in [0, 1], 0 = black, after rescale, windowing and MONOCHROME1 inversion. */
  data: Float32Array;
  view?: string;
}

export function isDicom(bytes: Uint8Array): boolean {
  return bytes.length > 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

/**
 * Decodes the first frame of an uncompressed DICOM image to display grey values: 8- or 16-bit, signed or not,
 * rescale slope/intercept applied, the first window centre/width when present (else the full range),
 * MONOCHROME1 inverted, RGB reduced to luminance. Compressed transfer syntaxes are refused with
 * DICOM_COMPRESSED_UNSUPPORTED (decoding JPEG-LS/2000 needs codecs this project does not ship). A file whose
 * rows × columns × frames exceed `budget` is refused from its header with IMAGE_TOO_LARGE: every frame counts,
 * though only the first is read, since a file that size is not one chest radiograph.
 */
export function decodeDicom(bytes: Uint8Array, name = 'DICOM file', budget = DEFAULT_PIXEL_BUDGET): DicomGrey {
  let dataSet: dicomParser.DataSet;
  try {
    dataSet = dicomParser.parseDicom(bytes);
  } catch (error) {
    throw cxrError(
      'IMAGE_CORRUPT',
      `${name}: not a readable DICOM file (${String((error as Error).message ?? error)})`,
    );
  }
  const syntax = (dataSet.string('x00020010') ?? '1.2.840.10008.1.2').replace(/\0/g, '').trim();
  const bigEndian = UNCOMPRESSED.get(syntax);
  if (bigEndian === undefined) {
    throw cxrError(
      'DICOM_COMPRESSED_UNSUPPORTED',
      `${name}: transfer syntax ${syntax} is compressed; export it uncompressed`,
      {
        transferSyntax: syntax,
      },
    );
  }
  const width = dataSet.uint16('x00280011') ?? 0;
  const height = dataSet.uint16('x00280010') ?? 0;
  const bitsAllocated = dataSet.uint16('x00280100') ?? 16;
  const signed = dataSet.uint16('x00280103') === 1;
  const samples = dataSet.uint16('x00280002') ?? 1;
  const photometric = (dataSet.string('x00280004') ?? 'MONOCHROME2').trim().toUpperCase();
  const pixels = dataSet.elements.x7fe00010;
  if (width === 0 || height === 0 || pixels === undefined)
    throw cxrError('IMAGE_CORRUPT', `${name}: no image size or pixel data`);
  const frames = Math.max(1, Math.trunc(dataSet.intString('x00280008') ?? 1) || 1);
  checkDeclaredSize({ width, height, frames }, name, budget);
  if (![8, 16].includes(bitsAllocated)) {
    throw cxrError('IMAGE_UNSUPPORTED', `${name}: ${bitsAllocated} bits allocated per sample (8 and 16 are supported)`);
  }
  const count = width * height * samples;
  const bytesPerSample = bitsAllocated / 8;
  if (pixels.length < count * bytesPerSample || pixels.dataOffset + count * bytesPerSample > bytes.length) {
    throw cxrError('IMAGE_CORRUPT', `${name}: pixel data is shorter than ${width}×${height}×${samples} samples`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + pixels.dataOffset, count * bytesPerSample);
  const read = (i: number) =>
    bitsAllocated === 8
      ? signed
        ? view.getInt8(i)
        : view.getUint8(i)
      : signed
        ? view.getInt16(i * 2, !bigEndian)
        : view.getUint16(i * 2, !bigEndian);
  const slope = dataSet.floatString('x00281053') ?? 1;
  const intercept = dataSet.floatString('x00281052') ?? 0;
  const values = new Float32Array(width * height);
  for (let p = 0; p < width * height; p++) {
    const raw =
      samples === 1
        ? read(p)
        : 0.299 * read(p * samples) + 0.587 * read(p * samples + 1) + 0.114 * read(p * samples + 2);
    values[p] = raw * slope + intercept;
  }
  const centre = dataSet.floatString('x00281050');
  const windowWidth = dataSet.floatString('x00281051');
  const data =
    centre !== undefined && windowWidth !== undefined && windowWidth >= 1
      ? applyWindow(values, centre, windowWidth)
      : stretch(values);
  if (photometric === 'MONOCHROME1') for (let p = 0; p < data.length; p++) data[p] = 1 - (data[p] as number);
  return { width, height, data, view: dataSet.string('x00185101')?.trim() || undefined };
}

/** DICOM PS3.3 C.11.2.1.2 linear VOI LUT, scaled to [0, 1]. */
function applyWindow(values: Float32Array, centre: number, width: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let p = 0; p < values.length; p++) {
    const y = ((values[p] as number) - (centre - 0.5)) / (width - 1) + 0.5;
    out[p] = Math.min(1, Math.max(0, y));
  }
  return out;
}

function stretch(values: Float32Array): Float32Array {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const range = max > min ? max - min : 1;
  return values.map((v) => (v - min) / range);
}
