import { readFileSync, writeFileSync } from 'node:fs';
import { writeDicom } from '../helpers/fixtures.js';

/** Header tags an importer reads from a DICOM file (the patient module, the view, the study UID). */
export interface DicomTags {
  patientId?: string;
  sex?: string;
  /** DICOM AS, e.g. `045Y`. */
  age?: string;
  view?: string;
  studyUid?: string;
}

/**
 * A small uncompressed DICOM file (writeDicom's) carrying the given header tags; its pixels are a left-to-right
 * gradient. The tags go right after the file meta group, which keeps the data set in ascending tag order.
 */
export function writeDicomWithTags(path: string, tags: DicomTags, width = 32, height = 32): string {
  const values = Array.from({ length: width * height }, (_, i) => (i % width) * 100);
  writeDicom(path, { width, height, bits: 16, values, window: [1600, 3200] });
  const bytes = readFileSync(path);
  const metaEnd = 132 + 12 + bytes.readUInt32LE(132 + 8);
  const element = (group: number, elem: number, vr: string, value: string) => {
    const text = Buffer.from(value.length % 2 === 0 ? value : `${value}${vr === 'UI' ? '\0' : ' '}`, 'latin1');
    const head = Buffer.alloc(8);
    head.writeUInt16LE(group, 0);
    head.writeUInt16LE(elem, 2);
    head.write(vr, 4, 'latin1');
    head.writeUInt16LE(text.length, 6);
    return Buffer.concat([head, text]);
  };
  const added = [
    tags.patientId === undefined ? undefined : element(0x0010, 0x0020, 'LO', tags.patientId),
    tags.sex === undefined ? undefined : element(0x0010, 0x0040, 'CS', tags.sex),
    tags.age === undefined ? undefined : element(0x0010, 0x1010, 'AS', tags.age),
    tags.view === undefined ? undefined : element(0x0018, 0x5101, 'CS', tags.view),
    tags.studyUid === undefined ? undefined : element(0x0020, 0x000d, 'UI', tags.studyUid),
  ].filter((b) => b !== undefined) as Buffer[];
  writeFileSync(path, Buffer.concat([bytes.subarray(0, metaEnd), ...added, bytes.subarray(metaEnd)]));
  return path;
}
