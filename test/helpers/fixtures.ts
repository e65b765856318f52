import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';

export function tempDir(prefix = 'cxr-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeText(path: string, text: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

/** A grey gradient image (left dark, right bright) in the given format. */
export async function writeImage(
  path: string,
  options: { width?: number; height?: number; format?: 'png' | 'jpeg' | 'tiff'; bits?: 8 | 16; channels?: 1 | 3 } = {},
): Promise<string> {
  const { width = 40, height = 30, format = 'png', bits = 8, channels = 1 } = options;
  mkdirSync(dirname(path), { recursive: true });
  const max = bits === 16 ? 65535 : 255;
  const values = bits === 16 ? new Uint16Array(width * height * channels) : new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < channels; c++) values[(y * width + x) * channels + c] = Math.round((x / (width - 1)) * max);
  let image = sharp(values, { raw: { width, height, channels } });
  if (bits === 16) image = image.toColourspace(channels === 1 ? 'grey16' : 'rgb16');
  const encoded = format === 'png' ? image.png() : format === 'jpeg' ? image.jpeg({ quality: 95 }) : image.tiff();
  await encoded.toFile(path);
  return path;
}

export interface DicomSpec {
  width: number;
  height: number;
  bits: 8 | 16;
  signed?: boolean;
  photometric?: 'MONOCHROME1' | 'MONOCHROME2';
  slope?: number;
  intercept?: number;
  window?: [number, number];
  transferSyntax?: string;
  /** Number of Frames (0028,0008), when given: the values hold only what is written. */
  frames?: number;
  /** Stored values, row-major. */
  values: ArrayLike<number>;
}

/** A minimal explicit-VR little-endian DICOM file (Part 10), enough for the decoder's tests. */
export function writeDicom(path: string, spec: DicomSpec): string {
  const chunks: Buffer[] = [];
  const element = (group: number, elem: number, vr: string, value: Buffer) => {
    const padded = value.length % 2 === 0 ? value : Buffer.concat([value, Buffer.from(vr === 'UI' ? '\0' : ' ')]);
    const long = ['OB', 'OW', 'OF', 'SQ', 'UT', 'UN'].includes(vr);
    const head = Buffer.alloc(long ? 12 : 8);
    head.writeUInt16LE(group, 0);
    head.writeUInt16LE(elem, 2);
    head.write(vr, 4, 'latin1');
    if (long) head.writeUInt32LE(padded.length, 8);
    else head.writeUInt16LE(padded.length, 6);
    return Buffer.concat([head, padded]);
  };
  const us = (v: number) => {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(v);
    return b;
  };
  const text = (s: string) => Buffer.from(s, 'latin1');
  const meta = Buffer.concat([
    element(0x0002, 0x0001, 'OB', Buffer.from([0, 1])),
    element(0x0002, 0x0002, 'UI', text('1.2.840.10008.5.1.4.1.1.1.1')),
    element(0x0002, 0x0003, 'UI', text('1.2.3.4')),
    element(0x0002, 0x0010, 'UI', text(spec.transferSyntax ?? '1.2.840.10008.1.2.1')),
  ]);
  const groupLength = Buffer.alloc(4);
  groupLength.writeUInt32LE(meta.length);
  chunks.push(Buffer.alloc(128), text('DICM'), element(0x0002, 0x0000, 'UL', groupLength), meta);
  const pixels = Buffer.alloc(spec.values.length * (spec.bits / 8));
  for (let i = 0; i < spec.values.length; i++) {
    const v = spec.values[i] as number;
    if (spec.bits === 8) spec.signed ? pixels.writeInt8(v, i) : pixels.writeUInt8(v, i);
    else spec.signed ? pixels.writeInt16LE(v, i * 2) : pixels.writeUInt16LE(v, i * 2);
  }
  chunks.push(
    element(0x0028, 0x0002, 'US', us(1)),
    element(0x0028, 0x0004, 'CS', text(spec.photometric ?? 'MONOCHROME2')),
    ...(spec.frames === undefined ? [] : [element(0x0028, 0x0008, 'IS', text(String(spec.frames)))]),
    element(0x0028, 0x0010, 'US', us(spec.height)),
    element(0x0028, 0x0011, 'US', us(spec.width)),
    element(0x0028, 0x0100, 'US', us(spec.bits)),
    element(0x0028, 0x0101, 'US', us(spec.bits)),
    element(0x0028, 0x0102, 'US', us(spec.bits - 1)),
    element(0x0028, 0x0103, 'US', us(spec.signed ? 1 : 0)),
  );
  if (spec.window) {
    chunks.push(
      element(0x0028, 0x1050, 'DS', text(String(spec.window[0]))),
      element(0x0028, 0x1051, 'DS', text(String(spec.window[1]))),
    );
  }
  if (spec.intercept !== undefined) chunks.push(element(0x0028, 0x1052, 'DS', text(String(spec.intercept))));
  if (spec.slope !== undefined) chunks.push(element(0x0028, 0x1053, 'DS', text(String(spec.slope))));
  chunks.push(element(0x7fe0, 0x0010, spec.bits === 8 ? 'OB' : 'OW', pixels));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, Buffer.concat(chunks));
  return path;
}

/** An OpenI eCitation report with the given MeSH majors and image ids; `omit` drops a section to make it malformed. */
export function openiXml(
  id: number,
  mesh: string[],
  images: string[],
  findings = 'No acute disease.',
  omit?: string,
): string {
  const section = (label: string, text: string) =>
    label === omit ? '' : `<AbstractText Label="${label}">${text}</AbstractText>`;
  return `<?xml version="1.0" encoding="utf-8"?>
<eCitation>
  <uId id="CXR${id}"/>
  <IUXRId id="${id}"/>
  <MedlineCitation><Article><Abstract>
    ${section('COMPARISON', 'None.')}
    ${section('INDICATION', 'Cough')}
    ${section('FINDINGS', findings)}
    ${section('IMPRESSION', 'See findings.')}
  </Abstract></Article></MedlineCitation>
  ${omit === 'MeSH' ? '' : `<MeSH>${mesh.map((m) => `<major>${m}</major>`).join('')}</MeSH>`}
  ${images.map((image) => `<parentImage id="${image}"><figureId>F1</figureId></parentImage>`).join('\n')}
</eCitation>`;
}
