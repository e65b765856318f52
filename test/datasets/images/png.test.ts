import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeGrey } from '../../../src/datasets/images/decode.js';
import { decodePngGrey } from '../../../src/datasets/images/png.js';
import { Random } from '../../../src/random.js';

/** sharp's reading of a file: the reference the fast decoder must match. */
async function sharpGrey(bytes: Buffer): Promise<Float32Array> {
  const { data } = await sharp(bytes).removeAlpha().toColourspace('grey16').raw({ depth: 'ushort' }).toBuffer({
    resolveWithObject: true,
  });
  return Float32Array.from(new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2), (v) => v / 65535);
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  return a.reduce((max, v, i) => Math.max(max, Math.abs(v - (b[i] as number))), 0);
}

const COLOUR_TYPE: Record<number, number> = { 1: 0, 2: 4, 3: 2, 4: 6 };

/**
 * A PNG written by hand so that every row uses a chosen filter (libpng picks its own): row y uses filter y % 5, so
 * none, sub, up, average and Paeth all occur, each also on the first row in some file. `image` holds samples.
 */
function handPng(width: number, height: number, channels: number, bits: 8 | 16, samples: number[], firstFilter = 0) {
  const bytesPerSample = bits / 8;
  const step = channels * bytesPerSample;
  const rowBytes = width * step;
  const raw = Buffer.alloc(height * rowBytes);
  samples.forEach((value, i) => {
    if (bits === 8) raw[i] = value;
    else raw.writeUInt16BE(value, i * 2);
  });
  const filtered = Buffer.alloc(height * (rowBytes + 1));
  for (let y = 0; y < height; y++) {
    const filter = (y + firstFilter) % 5;
    filtered[y * (rowBytes + 1)] = filter;
    for (let i = 0; i < rowBytes; i++) {
      const at = (yy: number, ii: number) => (yy < 0 || ii < 0 ? 0 : (raw[yy * rowBytes + ii] as number));
      const left = at(y, i - step);
      const up = at(y - 1, i);
      const upLeft = at(y - 1, i - step);
      const predicted = [0, left, up, (left + up) >> 1, paeth(left, up, upLeft)][filter] as number;
      filtered[y * (rowBytes + 1) + 1 + i] = (at(y, i) - predicted) & 0xff;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = bits;
  header[9] = COLOUR_TYPE[channels] as number;
  const compressed = deflateSync(filtered);
  // Two IDAT chunks: a decoder must join them.
  const half = Math.floor(compressed.length / 2);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', compressed.subarray(0, half)),
    chunk('IDAT', compressed.subarray(half)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, 'latin1'), body])), 0);
  return Buffer.concat([head, body, crc]);
}

function paeth(left: number, up: number, upLeft: number): number {
  const p = left + up - upLeft;
  const [a, b, c] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
  return a <= b && a <= c ? left : b <= c ? up : upLeft;
}

/** Noise with a gradient under it, grey (equal colour channels) unless `colour`, alpha random. */
function samplesFor(width: number, height: number, channels: number, bits: 8 | 16, seed: number, colour = false) {
  const generator = new Random(seed);
  const random = () => generator.next();
  const max = bits === 8 ? 255 : 65535;
  const samples: number[] = [];
  for (let p = 0; p < width * height; p++) {
    const grey = Math.round(((p % width) / width) * 0.5 * max + random() * 0.5 * max);
    const colours = channels >= 3 ? 3 : 1;
    for (let c = 0; c < colours; c++) samples.push(colour ? Math.round(random() * max) : grey);
    if (channels === 2 || channels === 4) samples.push(Math.round(random() * max));
  }
  return samples;
}

describe('decodePngGrey', () => {
  for (const [channels, bits] of [
    [1, 8],
    [1, 16],
    [2, 8],
    [3, 8],
    [3, 16],
    [4, 8],
    [4, 16],
  ] as const) {
    it(`reads ${channels}-channel ${bits}-bit rows under every filter exactly as sharp does`, async () => {
      for (const firstFilter of [0, 1, 2, 3, 4]) {
        const png = handPng(23, 11, channels, bits, samplesFor(23, 11, channels, bits, firstFilter + 1), firstFilter);
        const mine = decodePngGrey(png, 'hand.png');
        expect([mine?.width, mine?.height]).toEqual([23, 11]);
        expect(maxDifference(mine?.data as Float32Array, await sharpGrey(png))).toBeLessThan(1e-6);
      }
    });
  }

  it('reads what libpng writes (its own filter choices) as sharp does', async () => {
    const samples = samplesFor(97, 61, 1, 8, 9);
    for (const adaptiveFiltering of [false, true]) {
      const png = await sharp(Buffer.from(samples), { raw: { width: 97, height: 61, channels: 1 } })
        .toColourspace('b-w')
        .png({ adaptiveFiltering, compressionLevel: 9 })
        .toBuffer();
      expect(maxDifference(decodePngGrey(png, 'x.png')?.data as Float32Array, await sharpGrey(png))).toBeLessThan(1e-6);
    }
  });

  it('turns colour into Rec. 709 luma', () => {
    const red = decodePngGrey(handPng(1, 1, 3, 8, [255, 0, 0]), 'red.png');
    const green = decodePngGrey(handPng(1, 1, 3, 8, [0, 255, 0]), 'green.png');
    expect(red?.data[0]).toBeCloseTo(0.2126, 3);
    expect(green?.data[0]).toBeCloseTo(0.7152, 3);
  });

  it('leaves palette, interlaced and low-bit files to sharp, which decodeGrey then uses', async () => {
    const samples = Buffer.from(samplesFor(30, 20, 1, 8, 3));
    const raw = { raw: { width: 30, height: 20, channels: 1 as const } };
    const palette = await sharp(samples, raw).png({ palette: true, colours: 16 }).toBuffer();
    const interlaced = await sharp(samples, raw).toColourspace('b-w').png({ progressive: true }).toBuffer();
    for (const png of [palette, interlaced]) {
      expect(decodePngGrey(png, 'other.png')).toBeUndefined();
      const decoded = await decodeGrey(png);
      expect(maxDifference(decoded.data, await sharpGrey(png))).toBeLessThan(1e-6);
    }
    expect(decodePngGrey(Buffer.from('not a png'), 'x')).toBeUndefined();
  });

  it('refuses a broken file with IMAGE_CORRUPT: truncated, bad data, unknown filter, no data', () => {
    const png = handPng(16, 16, 1, 8, samplesFor(16, 16, 1, 8, 4));
    const cases: Array<[string, Buffer]> = [
      ['truncated', png.subarray(0, png.length - 30)],
      ['no IEND', png.subarray(0, png.length - 12)],
      ['bad data', Buffer.concat([png.subarray(0, 60), Buffer.alloc(20, 7), png.subarray(80)])],
      ['unknown filter', handPngWithFilter(9)],
      ['no data', Buffer.concat([png.subarray(0, 33), chunk('IEND', Buffer.alloc(0))])],
    ];
    for (const [what, bytes] of cases) {
      expect(() => decodePngGrey(bytes, `${what}.png`), what).toThrowError(
        expect.objectContaining({ code: 'IMAGE_CORRUPT' }),
      );
    }
  });

  it('refuses, without inflating them, data that inflates past its size and sizes over the pixel budget', () => {
    // 50 MB of zeros compress to ~50 KB: inflating them whole would be the cost, not the file.
    const bomb = withData(16, 16, deflateSync(Buffer.alloc(50_000_000)));
    expect(() => decodePngGrey(bomb, 'bomb.png')).toThrowError(/does not inflate to its size/);
    const huge = withData(20_000, 20_000, deflateSync(Buffer.alloc(10)));
    expect(() => decodePngGrey(huge, 'huge.png')).toThrowError(
      expect.objectContaining({ code: 'IMAGE_TOO_LARGE', details: expect.objectContaining({ pixels: 4e8 }) }),
    );
  });
});

/** A one-row grey PNG whose row claims filter `filter`. */
function handPngWithFilter(filter: number): Buffer {
  return withData(4, 1, deflateSync(Buffer.from([filter, 1, 2, 3, 4])));
}

/** A grey 8-bit PNG of a claimed size whose data is `compressed`. */
function withData(width: number, height: number, compressed: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', compressed),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
