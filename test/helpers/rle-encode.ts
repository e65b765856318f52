/**
 * A DICOM RLE Lossless frame (PS3.5 Annex G) for tests: one segment per byte of each sample, most significant byte
 * first, each row PackBits-coded on its own (G.3.1), segments padded to an even length.
 */
export function encodeRle(
  samples: ArrayLike<number>,
  width: number,
  height: number,
  bytesPerSample: 1 | 2,
): Uint8Array {
  const segments: number[][] = [];
  for (let byte = bytesPerSample - 1; byte >= 0; byte--) {
    const segment: number[] = [];
    for (let y = 0; y < height; y++) {
      const row = Array.from({ length: width }, (_, x) => ((samples[y * width + x] as number) >> (8 * byte)) & 0xff);
      packBits(row, segment);
    }
    if (segment.length % 2 === 1) segment.push(0x80); // a no-op byte pads the segment
    segments.push(segment);
  }
  const header = new Uint32Array(16);
  header[0] = segments.length;
  let offset = 64;
  for (const [i, segment] of segments.entries()) {
    header[i + 1] = offset;
    offset += segment.length;
  }
  return Uint8Array.from([...new Uint8Array(header.buffer), ...segments.flat()]);
}

/** Runs of 3 or more equal bytes as (1 − n, byte), the rest as literals (n − 1, bytes), 128 bytes at most each. */
function packBits(row: number[], out: number[]): void {
  let i = 0;
  while (i < row.length) {
    let run = 1;
    while (i + run < row.length && run < 128 && row[i + run] === row[i]) run++;
    if (run >= 3) {
      out.push(257 - run, row[i] as number);
      i += run;
      continue;
    }
    const start = i;
    while (i < row.length && i - start < 128) {
      if (i + 2 < row.length && row[i] === row[i + 1] && row[i] === row[i + 2]) break;
      i++;
    }
    out.push(i - start - 1, ...row.slice(start, i));
  }
}
