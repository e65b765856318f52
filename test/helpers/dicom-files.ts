/**
 * DICOM Part 10 files for the decoder's tests, in explicit VR little endian: native pixel data (any bits stored,
 * several frames) or encapsulated frames already compressed by the caller, with the display attributes a test
 * names (window, VOI LUT, rescale, photometric interpretation).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface DicomFileSpec {
  width: number;
  height: number;
  bitsAllocated: 8 | 16;
  /** Default: bitsAllocated. */
  bitsStored?: number;
  signed?: boolean;
  samplesPerPixel?: 1 | 3;
  photometric?: string;
  transferSyntax?: string;
  slope?: number;
  intercept?: number;
  window?: { centre: number; width: number; shape?: string };
  voiLut?: { firstMapped: number; bits: number; data: number[] };
  /** Stored samples (native pixel data), row-major, all frames. */
  samples?: ArrayLike<number>;
  /** Compressed frames (encapsulated pixel data), one fragment each. */
  frames?: Uint8Array[];
  /** Number of Frames (0028,0008); default: the compressed frames given, else absent. */
  numberOfFrames?: number;
  /** Encapsulated: write the basic offset table (default false: empty, as most writers leave it). */
  offsetTable?: boolean;
}

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const LONG_VRS = ['OB', 'OW', 'OF', 'SQ', 'UT', 'UN'];

function element(group: number, elem: number, vr: string, value: Buffer, undefinedLength = false): Buffer {
  const padded = value.length % 2 === 0 ? value : Buffer.concat([value, Buffer.from(vr === 'UI' ? '\0' : ' ')]);
  const long = LONG_VRS.includes(vr);
  const head = Buffer.alloc(long ? 12 : 8);
  head.writeUInt16LE(group, 0);
  head.writeUInt16LE(elem, 2);
  head.write(vr, 4, 'latin1');
  if (long) head.writeUInt32LE(undefinedLength ? 0xffffffff : padded.length, 8);
  else head.writeUInt16LE(padded.length, 6);
  return Buffer.concat([head, padded]);
}

function item(body: Buffer, tag = 0xe000): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16LE(0xfffe, 0);
  head.writeUInt16LE(tag, 2);
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body]);
}

const us = (...values: number[]) => {
  const b = Buffer.alloc(2 * values.length);
  for (const [i, v] of values.entries()) b.writeUInt16LE(v & 0xffff, i * 2);
  return b;
};
const text = (s: string) => Buffer.from(s, 'latin1');

export function dicomBytes(spec: DicomFileSpec): Buffer {
  const bitsStored = spec.bitsStored ?? spec.bitsAllocated;
  const samplesPerPixel = spec.samplesPerPixel ?? 1;
  const meta = Buffer.concat([
    element(0x0002, 0x0001, 'OB', Buffer.from([0, 1])),
    element(0x0002, 0x0002, 'UI', text('1.2.840.10008.5.1.4.1.1.1.1')),
    element(0x0002, 0x0003, 'UI', text('1.2.3.4')),
    element(0x0002, 0x0010, 'UI', text(spec.transferSyntax ?? EXPLICIT_LE)),
  ]);
  const groupLength = Buffer.alloc(4);
  groupLength.writeUInt32LE(meta.length);
  const chunks = [Buffer.alloc(128), text('DICM'), element(0x0002, 0x0000, 'UL', groupLength), meta];
  chunks.push(element(0x0018, 0x5101, 'CS', text('PA')));
  chunks.push(
    element(0x0028, 0x0002, 'US', us(samplesPerPixel)),
    element(0x0028, 0x0004, 'CS', text(spec.photometric ?? (samplesPerPixel === 3 ? 'RGB' : 'MONOCHROME2'))),
  );
  if (samplesPerPixel === 3) chunks.push(element(0x0028, 0x0006, 'US', us(0)));
  const frameCount =
    spec.numberOfFrames ?? (spec.frames !== undefined && spec.frames.length > 1 ? spec.frames.length : undefined);
  if (frameCount !== undefined) chunks.push(element(0x0028, 0x0008, 'IS', text(String(frameCount))));
  chunks.push(
    element(0x0028, 0x0010, 'US', us(spec.height)),
    element(0x0028, 0x0011, 'US', us(spec.width)),
    element(0x0028, 0x0100, 'US', us(spec.bitsAllocated)),
    element(0x0028, 0x0101, 'US', us(bitsStored)),
    element(0x0028, 0x0102, 'US', us(bitsStored - 1)),
    element(0x0028, 0x0103, 'US', us(spec.signed ? 1 : 0)),
  );
  if (spec.window) {
    chunks.push(
      element(0x0028, 0x1050, 'DS', text(String(spec.window.centre))),
      element(0x0028, 0x1051, 'DS', text(String(spec.window.width))),
    );
  }
  if (spec.intercept !== undefined) chunks.push(element(0x0028, 0x1052, 'DS', text(String(spec.intercept))));
  if (spec.slope !== undefined) chunks.push(element(0x0028, 0x1053, 'DS', text(String(spec.slope))));
  if (spec.window?.shape) chunks.push(element(0x0028, 0x1056, 'CS', text(spec.window.shape)));
  if (spec.voiLut) {
    const { firstMapped, bits, data } = spec.voiLut;
    const lutItem = Buffer.concat([
      element(0x0028, 0x3002, 'US', us(data.length === 65536 ? 0 : data.length, firstMapped, bits)),
      element(0x0028, 0x3006, 'OW', us(...data)),
    ]);
    chunks.push(element(0x0028, 0x3010, 'SQ', item(lutItem)));
  }
  chunks.push(spec.frames === undefined ? nativePixels(spec) : encapsulatedPixels(spec.frames, spec.offsetTable));
  return Buffer.concat(chunks);
}

export function writeDicomFile(path: string, spec: DicomFileSpec): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, dicomBytes(spec));
  return path;
}

function nativePixels(spec: DicomFileSpec): Buffer {
  const values = spec.samples ?? [];
  const size = spec.bitsAllocated / 8;
  const pixels = Buffer.alloc(values.length * size);
  for (let i = 0; i < values.length; i++) {
    const v = (values[i] as number) & (size === 1 ? 0xff : 0xffff);
    if (size === 1) pixels.writeUInt8(v, i);
    else pixels.writeUInt16LE(v, i * 2);
  }
  return element(0x7fe0, 0x0010, spec.bitsAllocated === 8 ? 'OB' : 'OW', pixels);
}

/** PS3.5 A.4: an item with the offset table (or empty), one item per frame, the sequence delimiter. */
function encapsulatedPixels(frames: Uint8Array[], offsetTable = false): Buffer {
  const fragments = frames.map((f) =>
    f.length % 2 === 0 ? Buffer.from(f) : Buffer.concat([Buffer.from(f), Buffer.alloc(1)]),
  );
  const offsets = Buffer.alloc(offsetTable ? 4 * fragments.length : 0);
  let at = 0;
  fragments.forEach((fragment, i) => {
    if (offsetTable) offsets.writeUInt32LE(at, i * 4);
    at += 8 + fragment.length;
  });
  return Buffer.concat([
    element(0x7fe0, 0x0010, 'OB', Buffer.alloc(0), true),
    item(offsets),
    ...fragments.map((fragment) => item(fragment)),
    item(Buffer.alloc(0), 0xe0dd),
  ]);
}
