/**
 * A small JPEG lossless encoder (ITU T.81 process 14, Annex H) for tests: one grey component, 2 to 16 bits, any
 * predictor 1–7 (selection value 1 is DICOM's 1.2.840.10008.1.2.4.70, the others .57). Each difference category
 * 0–16 gets a 5-bit Huffman code; category 16 (a difference of 32768) has no extra bits (H.1.2.2).
 */
import { BitWriter } from './jpeg-dct-encode.js';

export function encodeJpegLossless(
  samples: ArrayLike<number>,
  width: number,
  height: number,
  bits: number,
  predictor = 1,
): Uint8Array {
  const writer = new BitWriter();
  const at = (x: number, y: number) => samples[y * width + x] as number;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const difference = (at(x, y) - predict(at, x, y, bits, predictor)) & 0xffff;
      // Differences are taken modulo 2^16 (H.1.2.1): fold them into −32767 … 32768.
      const signed = difference >= 0x8000 ? difference - 0x10000 : difference;
      const value = signed === -32768 ? 32768 : signed;
      const size = value === 0 ? 0 : Math.min(16, Math.floor(Math.log2(Math.abs(value))) + 1);
      writer.write(size, 5);
      if (size > 0 && size < 16) writer.write(value > 0 ? value : value + (1 << size) - 1, size);
    }
  }
  const frame = [0xff, 0xc3, 0, 11, bits, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0];
  const counts = new Array(16).fill(0);
  counts[4] = 17;
  const table = [0xff, 0xc4, 0, 2 + 1 + 16 + 17, 0x00, ...counts, ...Array.from({ length: 17 }, (_, i) => i)];
  // Ss is the predictor, Se 0, Al (point transform) 0.
  const scan = [0xff, 0xda, 0, 8, 1, 1, 0x00, predictor, 0, 0];
  return Uint8Array.from([0xff, 0xd8, ...frame, ...table, ...scan, ...writer.finish(), 0xff, 0xd9]);
}

/** H.1.2.1: the first row predicts from the left, the first column from above, the first sample 2^(P−1). */
function predict(at: (x: number, y: number) => number, x: number, y: number, bits: number, predictor: number): number {
  if (x === 0 && y === 0) return 1 << (bits - 1);
  if (y === 0) return at(x - 1, y);
  if (x === 0) return at(x, y - 1);
  const [a, b, c] = [at(x - 1, y), at(x, y - 1), at(x - 1, y - 1)];
  switch (predictor) {
    case 1:
      return a;
    case 2:
      return b;
    case 3:
      return c;
    case 4:
      return a + b - c;
    case 5:
      return a + ((b - c) >> 1);
    case 6:
      return b + ((a - c) >> 1);
    default:
      return (a + b) >> 1;
  }
}
