import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { cxrError } from '../errors.js';

/** hnswlib's header: six size_t, maxlevel (int), enterpoint (uint32), maxM, maxM0, M (size_t), mult (double), ef. */
const HEADER_BYTES = 96;
/** Levels a real graph has: mult = 1/ln(M) puts level l at a fraction M^-l of the points. */
const MAX_LEVELS = 64;

/**
 * Walks an hnswlib file (hnswalg.h saveIndex) and refuses, with INDEX_CORRUPT, one hnswlib would load but then
 * follow out of bounds: a header that disagrees with the dimensions or the file's size, a neighbour list longer
 * than its capacity, a neighbour id past the element count, a neighbour at a level it does not reach, an entry
 * point below the top level. hnswlib checks only that the link-list sizes add up to the file's size, so garbage in
 * the level-0 block loads and then ends the process with SIGSEGV on the first query. This is the check for files
 * saved before sidecars (integrity-sidecar.ts) existed; a file with a sidecar is checked by its hash instead.
 */
export function checkHnswStructure(path: string, dimensions: number): void {
  const bytes = readFileSync(path);
  const corrupt = (reason: string) =>
    cxrError('INDEX_CORRUPT', `vector index file ${path} is damaged: ${reason}`, { path, reason });
  if (bytes.length < HEADER_BYTES) throw corrupt(`${bytes.length} bytes is shorter than its header`);
  const size = (at: number) => Number(bytes.readBigUInt64LE(at));
  const [offsetLevel0, maxElements, count, perElement, labelOffset, offsetData] = [0, 8, 16, 24, 32, 40].map(size);
  const maxLevel = bytes.readInt32LE(48);
  const enterPoint = bytes.readUInt32LE(52);
  const maxM = size(56);
  const maxM0 = size(64);
  const level0Links = maxM0 * 4 + 4;
  const upperLinks = maxM * 4 + 4;
  const consistent =
    offsetLevel0 === 0 &&
    (count as number) <= (maxElements as number) &&
    maxM >= 1 &&
    maxM0 >= maxM &&
    maxM0 <= 1 << 16 &&
    offsetData === level0Links &&
    labelOffset === (offsetData as number) + dimensions * 4 &&
    perElement === (labelOffset as number) + 8 &&
    maxLevel >= 0 &&
    maxLevel < MAX_LEVELS &&
    (count === 0 || enterPoint < (count as number));
  if (!consistent) throw corrupt('its header does not describe a graph of this size');
  const n = count as number;
  const level0End = HEADER_BYTES + n * (perElement as number);
  if (level0End > bytes.length) throw corrupt('it is shorter than its element count says');
  const checkList = (at: number, capacity: number) => {
    const length = bytes.readUInt16LE(at);
    if (length > capacity) throw corrupt(`a neighbour list of ${length} where at most ${capacity} fit`);
    for (let j = 0; j < length; j++) {
      if (bytes.readUInt32LE(at + 4 + 4 * j) >= n) throw corrupt('a neighbour id past the element count');
    }
    return length;
  };
  // Level 0: every element's list.
  for (let i = 0; i < n; i++) checkList(HEADER_BYTES + i * (perElement as number), maxM0);
  // Upper levels: first where each element's lists are (and how many levels it has), then their contents.
  const levels = new Uint8Array(n);
  const starts = new Float64Array(n);
  let at = level0End;
  for (let i = 0; i < n; i++) {
    if (at + 4 > bytes.length) throw corrupt('it ends inside its link lists (truncated?)');
    const linkBytes = bytes.readUInt32LE(at);
    if (linkBytes % upperLinks !== 0 || linkBytes / upperLinks > maxLevel) {
      throw corrupt(`element ${i} has ${linkBytes} bytes of upper links`);
    }
    levels[i] = linkBytes / upperLinks;
    starts[i] = at + 4;
    at += 4 + linkBytes;
  }
  if (at !== bytes.length) throw corrupt(`${bytes.length - at} bytes more than its link lists need`);
  if (n > 0 && levels[enterPoint] !== maxLevel) throw corrupt('its entry point is not on its top level');
  for (let i = 0; i < n; i++) {
    for (let level = 1; level <= (levels[i] as number); level++) {
      const list = (starts[i] as number) + (level - 1) * upperLinks;
      const length = checkList(list, maxM);
      for (let j = 0; j < length; j++) {
        const neighbour = bytes.readUInt32LE(list + 4 + 4 * j);
        if ((levels[neighbour] as number) < level) throw corrupt(`a level-${level} neighbour below that level`);
      }
    }
  }
}

/**
 * Whether an hnswlib file just written is whole: its level-0 block as long as its header says and its upper link
 * lists ending exactly at the end of the file. hnswlib writes through an unchecked ofstream, so a full disk gives a
 * short file and no error. Reads the header and the upper links only (a few bytes an element), not the vectors.
 */
export function isHnswFileComplete(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const header = Buffer.alloc(HEADER_BYTES);
    if (readSync(fd, header, 0, HEADER_BYTES, 0) < HEADER_BYTES) return false;
    const count = Number(header.readBigUInt64LE(16));
    const perElement = Number(header.readBigUInt64LE(24));
    const level0End = HEADER_BYTES + count * perElement;
    if (level0End > size) return false;
    const links = Buffer.alloc(size - level0End);
    if (readSync(fd, links, 0, links.length, level0End) < links.length) return false;
    let at = 0;
    for (let i = 0; i < count; i++) {
      if (at + 4 > links.length) return false;
      at += 4 + links.readUInt32LE(at);
    }
    return at === links.length;
  } finally {
    closeSync(fd);
  }
}
