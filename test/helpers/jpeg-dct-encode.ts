/**
 * A small JPEG DCT encoder (ITU T.81 sequential, one grey component, Huffman coded) for tests: 8-bit samples give a
 * baseline stream (SOF0, DICOM 1.2.840.10008.1.2.4.50), 12-bit samples an extended one (SOF1, .4.51), which no
 * installed encoder writes. Slow (a direct 2-D DCT) and plain: one quantiser for every coefficient, fixed-length
 * Huffman codes (5 bits for each DC category, 8 for each AC run/size), so any value fits.
 */

const ZIGZAG = [
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
  35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47,
  55, 62, 63,
];

/** Categories a coefficient needs: 0 for 0, else the bit length of |v|. */
function category(v: number): number {
  let a = Math.abs(v);
  let bits = 0;
  while (a > 0) {
    bits++;
    a >>= 1;
  }
  return bits;
}

export class BitWriter {
  private readonly bytes: number[] = [];
  private acc = 0;
  private count = 0;

  write(value: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | ((value >> i) & 1);
      if (++this.count === 8) this.flushByte();
    }
  }

  /** Pads the last byte with ones (T.81 F.1.2.3) and returns the stuffed bytes. */
  finish(): number[] {
    while (this.count !== 0) this.write(1, 1);
    return this.bytes;
  }

  private flushByte(): void {
    this.bytes.push(this.acc);
    if (this.acc === 0xff) this.bytes.push(0); // byte stuffing
    this.acc = 0;
    this.count = 0;
  }
}

const DC_SYMBOLS = Array.from({ length: 16 }, (_, i) => i);
const AC_SYMBOLS = [0x00, 0xf0];
for (let run = 0; run < 16; run++) for (let size = 1; size <= 14; size++) AC_SYMBOLS.push((run << 4) | size);

/** A table whose codes all have one length: the i-th symbol's code is i. */
function huffmanSegment(tableClass: number, symbols: number[], length: number): number[] {
  const counts = new Array(16).fill(0);
  counts[length - 1] = symbols.length;
  const body = [(tableClass << 4) | 0, ...counts, ...symbols];
  return [0xff, 0xc4, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body];
}

/**
 * Encodes `samples` (row-major, `bits` 8 or 12, unsigned) as a JPEG stream. `quantiser` (1 = near lossless) divides
 * every coefficient.
 */
export function encodeJpegDct(
  samples: ArrayLike<number>,
  width: number,
  height: number,
  bits: 8 | 12,
  quantiser = 2,
): Uint8Array {
  const cos = Array.from({ length: 64 }, (_, k) => {
    const [x, u] = [k >> 3, k & 7];
    return Math.cos(((2 * x + 1) * u * Math.PI) / 16);
  });
  const scale = (u: number) => (u === 0 ? Math.SQRT1_2 : 1);
  const writer = new BitWriter();
  const shift = 1 << (bits - 1);
  let previousDc = 0;
  const block = new Float64Array(64);
  const coefficients = new Int32Array(64);
  for (let by = 0; by < height; by += 8) {
    for (let bx = 0; bx < width; bx += 8) {
      for (let y = 0; y < 8; y++) {
        for (let x = 0; x < 8; x++) {
          // Edge blocks repeat the last row and column (T.81 A.2.4 leaves the padding to the encoder).
          const sx = Math.min(width - 1, bx + x);
          const sy = Math.min(height - 1, by + y);
          block[y * 8 + x] = (samples[sy * width + sx] as number) - shift;
        }
      }
      for (let v = 0; v < 8; v++) {
        for (let u = 0; u < 8; u++) {
          let sum = 0;
          for (let y = 0; y < 8; y++) {
            for (let x = 0; x < 8; x++)
              sum += (block[y * 8 + x] as number) * (cos[x * 8 + u] as number) * (cos[y * 8 + v] as number);
          }
          coefficients[v * 8 + u] = Math.round((0.25 * scale(u) * scale(v) * sum) / quantiser);
        }
      }
      const dc = coefficients[0] as number;
      writeValue(writer, dc - previousDc, 5, 0);
      previousDc = dc;
      let run = 0;
      for (let k = 1; k < 64; k++) {
        const value = coefficients[ZIGZAG[k] as number] as number;
        if (value === 0) {
          run++;
          continue;
        }
        while (run > 15) {
          writer.write(AC_SYMBOLS.indexOf(0xf0), 8);
          run -= 16;
        }
        writeValue(writer, value, 8, run);
        run = 0;
      }
      if (run > 0) writer.write(AC_SYMBOLS.indexOf(0x00), 8);
    }
  }
  const quantTable = [0xff, 0xdb, 0, 67, 0, ...new Array(64).fill(quantiser)];
  const frame = [0xff, bits === 8 ? 0xc0 : 0xc1, 0, 11, bits, height >> 8, height & 0xff, width >> 8, width & 0xff, 1];
  frame.push(1, 0x11, 0);
  const scan = [0xff, 0xda, 0, 8, 1, 1, 0x00, 0, 63, 0];
  return Uint8Array.from([
    0xff,
    0xd8,
    ...quantTable,
    ...frame,
    ...huffmanSegment(0, DC_SYMBOLS, 5),
    ...huffmanSegment(1, AC_SYMBOLS, 8),
    ...scan,
    ...writer.finish(),
    0xff,
    0xd9,
  ]);
}

/** A DC difference (run 0, table of 5-bit codes) or an AC value after `run` zeros, then its magnitude bits. */
function writeValue(writer: BitWriter, value: number, codeLength: number, run: number): void {
  const size = category(value);
  const symbol = codeLength === 5 ? size : (run << 4) | size;
  writer.write(codeLength === 5 ? DC_SYMBOLS.indexOf(symbol) : AC_SYMBOLS.indexOf(symbol), codeLength);
  if (size > 0) writer.write(value > 0 ? value : value + (1 << size) - 1, size);
}
