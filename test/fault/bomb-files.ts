import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

/** A PNG chunk with its CRC. */
function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])) >>> 0);
  return Buffer.concat([head, body, crc]);
}

/**
 * A real decompression bomb: an 8-bit grey PNG of `width`×`height` black pixels, whole and valid (every row's
 * filter byte and pixels are there, deflated), so that a decoder without a budget decodes it all. 8,000² is 64 MB
 * of pixels in ~62 KB of file.
 */
export function pngBomb(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // grey
  const rows = Buffer.alloc(height * (width + 1)); // filter 0 and zeros on every row
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A PNG whose IHDR declares `width`×`height` over a few bytes of data (decoding it would fail as corrupt). */
export function pngDeclaring(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.alloc(16))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A real small JPEG whose start-of-frame is rewritten to declare `width`×`height`. */
export async function jpegDeclaring(width: number, height: number): Promise<Buffer> {
  const jpeg = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#777' } })
    .jpeg()
    .toBuffer();
  for (let at = 2; at + 9 < jpeg.length; ) {
    const marker = jpeg[at + 1] as number;
    if (marker === 0xc0 || marker === 0xc2) {
      jpeg.writeUInt16BE(height, at + 5);
      jpeg.writeUInt16BE(width, at + 7);
      return jpeg;
    }
    at += 2 + jpeg.readUInt16BE(at + 2);
  }
  throw new Error('no SOF in the JPEG sharp wrote');
}

/**
 * A DICOM "parser bomb": `count` empty private elements before a tiny image; dicom-parser makes an object for each
 * (8 bytes of file, some 200 bytes of heap), so 2 million of them (16 MB, under the upload limit) need ~400 MB.
 */
export function dicomElementBomb(count: number): Buffer {
  const preamble = Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1')]);
  const ts = Buffer.from('1.2.840.10008.1.2.1\0', 'latin1');
  const meta = Buffer.alloc(8);
  meta.writeUInt16LE(0x0002, 0);
  meta.writeUInt16LE(0x0010, 2);
  meta.write('UI', 4, 'latin1');
  meta.writeUInt16LE(ts.length, 6);
  const elements = Buffer.alloc(count * 8);
  for (let i = 0; i < count; i++) {
    // Odd (private) groups 0x0009, 0x000b, …, each with up to 65,536 elements: every tag distinct.
    elements.writeUInt16LE(0x0009 + 2 * Math.floor(i / 65536), i * 8);
    elements.writeUInt16LE(i % 65536, i * 8 + 2);
    elements.write('LO', i * 8 + 4, 'latin1');
    elements.writeUInt16LE(0, i * 8 + 6);
  }
  return Buffer.concat([preamble, meta, ts, elements]);
}
