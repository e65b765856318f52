/**
 * What a compressed DICOM costs to decode, per transfer syntax, against the same pixels stored uncompressed. A
 * generated radiograph (test/helpers/generated-radiograph.ts: smooth body, edges, noise) of `--size` pixels a side,
 * 12 bits stored (8 for JPEG Baseline), is encoded by the test encoders (the project's own JPEG DCT / lossless and
 * RLE encoders, CharLS, OpenJPEG through dcmjs-codecs) and written as DICOM. Each file is then decoded in a fresh
 * child process: the first decode (which loads the codec's WebAssembly), the median of the next five to display
 * values at full size (decodeDicom), the median of five to the model's 256² (decodeGrey), and the peak RSS
 * (VmHWM, Linux) above the process's RSS before the first decode. The real files in ../shared/data/dicom are
 * measured too when present. Run at `nice -n 10` on a shared machine.
 *
 * `npm run bench:dicom [-- --size 2048] [-- --large 4000x5000]`
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { decodeGrey } from '../src/datasets/images/decode.js';
import { decodeDicom } from '../src/datasets/images/dicom.js';
import { dicomBytes } from '../test/helpers/dicom-files.js';
import { tempDir } from '../test/helpers/fixtures.js';
import { generatedRadiograph } from '../test/helpers/generated-radiograph.js';
import { encodeJpegDct } from '../test/helpers/jpeg-dct-encode.js';
import { encodeJpegLossless } from '../test/helpers/jpeg-lossless-encode.js';
import { encodeRle } from '../test/helpers/rle-encode.js';
import { SHARED_DATA } from '../test/helpers/shared-data.js';
import { encodeJpeg2000, encodeJpegLs } from '../test/helpers/wasm-encoders.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '2048' },
    large: { type: 'string' },
    measure: { type: 'string' },
  },
});

interface Row {
  syntax: string;
  name: string;
  bits: number;
  encode: (samples: number[], width: number, height: number) => Uint8Array | Promise<Uint8Array>;
}

const ROWS: Row[] = [
  { syntax: '1.2.840.10008.1.2.1', name: 'uncompressed (explicit VR LE)', bits: 12, encode: () => new Uint8Array() },
  {
    syntax: '1.2.840.10008.1.2.4.50',
    name: 'JPEG Baseline, 8-bit',
    bits: 8,
    encode: (s, w, h) => encodeJpegDct(s, w, h, 8),
  },
  {
    syntax: '1.2.840.10008.1.2.4.51',
    name: 'JPEG Extended, 12-bit',
    bits: 12,
    encode: (s, w, h) => encodeJpegDct(s, w, h, 12),
  },
  {
    syntax: '1.2.840.10008.1.2.4.57',
    name: 'JPEG Lossless, predictor 6',
    bits: 12,
    encode: (s, w, h) => encodeJpegLossless(s, w, h, 12, 6),
  },
  {
    syntax: '1.2.840.10008.1.2.4.70',
    name: 'JPEG Lossless SV1',
    bits: 12,
    encode: (s, w, h) => encodeJpegLossless(s, w, h, 12, 1),
  },
  {
    syntax: '1.2.840.10008.1.2.4.80',
    name: 'JPEG-LS lossless',
    bits: 12,
    encode: (s, w, h) => encodeJpegLs(s, w, h, 12),
  },
  {
    syntax: '1.2.840.10008.1.2.4.81',
    name: 'JPEG-LS near-lossless (NEAR 3)',
    bits: 12,
    encode: (s, w, h) => encodeJpegLs(s, w, h, 12, 3),
  },
  {
    syntax: '1.2.840.10008.1.2.4.90',
    name: 'JPEG 2000 lossless',
    bits: 12,
    encode: (s, w, h) => encodeJpeg2000(s, w, h, 12),
  },
  {
    syntax: '1.2.840.10008.1.2.4.91',
    name: 'JPEG 2000 lossy (ratio 10)',
    bits: 12,
    encode: (s, w, h) => encodeJpeg2000(s, w, h, 12, { rate: 10 }),
  },
  { syntax: '1.2.840.10008.1.2.5', name: 'RLE Lossless', bits: 12, encode: (s, w, h) => encodeRle(s, w, h, 2) },
];

async function main(): Promise<void> {
  const dir = tempDir();
  const side = Number(values.size);
  const sizes: Array<[number, number, string[] | undefined]> = [[side, side, undefined]];
  if (values.large !== undefined) {
    const [w, h] = values.large.split('x').map(Number) as [number, number];
    // The large size for the lossless syntaxes an archive of CR/DX uses, and for JPEG 2000 (the slowest).
    sizes.push([
      w,
      h,
      ['1.2.840.10008.1.2.1', '1.2.840.10008.1.2.4.70', '1.2.840.10008.1.2.4.80', '1.2.840.10008.1.2.4.90'],
    ]);
  }
  console.log(`node ${process.version}; each file decoded in a fresh process; times in ms\n`);
  console.log(
    '| size | transfer syntax | file MB | first decode (loads codec) | decode, median of 5 | to 256², median of 5 | peak RSS above start (MB) |',
  );
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const [width, height, only] of sizes) {
    const twelve = generatedRadiograph(width, height, 12, 1);
    const eight = twelve.map((v) => v >> 4);
    for (const row of ROWS.filter((r) => only === undefined || only.includes(r.syntax))) {
      const samples = row.bits === 8 ? eight : twelve;
      const base = {
        width,
        height,
        bitsAllocated: row.bits === 8 ? (8 as const) : (16 as const),
        bitsStored: row.bits,
      };
      const bytes =
        row.syntax === '1.2.840.10008.1.2.1'
          ? dicomBytes({ ...base, samples })
          : dicomBytes({ ...base, transferSyntax: row.syntax, frames: [await row.encode(samples, width, height)] });
      const file = join(dir, `${row.syntax}-${width}.dcm`);
      writeFileSync(file, bytes);
      report(`${width}×${height}`, `${row.name} (${row.syntax.replace('1.2.840.10008.', '…')})`, file);
    }
  }
  const real = join(SHARED_DATA, 'dicom');
  for (const name of ['siim-1.2.276.0.7230010.3.1.4.8323329.6904.1517875201.850819.dcm', 'Fake_MONOHR1.dcm']) {
    if (existsSync(join(real, name)))
      report('1024×1024', `real: ${name.slice(0, 24)}… (JPEG Baseline)`, join(real, name));
    else console.log(`SKIP: ${join(real, name)} is absent`);
  }
}

function report(size: string, label: string, file: string): void {
  const output = execFileSync(
    process.execPath,
    ['--import', 'tsx', join(repo, 'bench/dicom-decode.ts'), '--measure', file],
    {
      encoding: 'utf8',
    },
  );
  const m = JSON.parse(output) as { first: number; median: number; model: number; peakMb: number };
  const mb = (readFileSync(file).length / 1e6).toFixed(2);
  console.log(
    `| ${size} | ${label} | ${mb} | ${m.first.toFixed(0)} | ${m.median.toFixed(0)} | ${m.model.toFixed(0)} | ${m.peakMb.toFixed(0)} |`,
  );
}

async function measure(file: string): Promise<void> {
  const bytes = readFileSync(file);
  const startRss = rssMb();
  resetPeak();
  let t = performance.now();
  await decodeDicom(bytes, file);
  const first = performance.now() - t;
  const full: number[] = [];
  const model: number[] = [];
  for (let i = 0; i < 5; i++) {
    t = performance.now();
    await decodeDicom(bytes, file);
    full.push(performance.now() - t);
  }
  for (let i = 0; i < 5; i++) {
    t = performance.now();
    await decodeGrey(bytes, 256);
    model.push(performance.now() - t);
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[2] as number;
  const peakMb = peakRssMb() - startRss;
  process.stdout.write(JSON.stringify({ first, median: median(full), model: median(model), peakMb }));
}

function status(field: string): number {
  const line = readFileSync('/proc/self/status', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(field));
  return Number(line?.match(/\d+/)?.[0] ?? 0) / 1024;
}

const rssMb = () => status('VmRSS:');
const peakRssMb = () => status('VmHWM:');

/** Resets VmHWM to the current RSS (Linux: writing 5 to clear_refs). */
function resetPeak(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // Not Linux, or not allowed: the peak then counts from the process start.
  }
}

if (values.measure !== undefined) await measure(values.measure);
else await main();
