/**
 * What one large chest X-ray costs to decode, to choose the decoded-pixel budget (DEFAULT_PIXEL_BUDGET) and the
 * decode worker's limits. The real SIIM-ACR DICOM in `../shared/data/dicom` (1024², JPEG Baseline, which this
 * project does not decode) is unpacked with sharp and written back uncompressed at its own size and at the sizes a
 * large detector produces (4000×5000 16-bit and more), as DICOM, as 16-bit PNG and as 8-bit JPEG; each file is then decoded to the
 * model's 256² in a fresh child process, which reports wall time, CPU time and peak RSS (VmHWM, reset before the
 * decode; Linux) above the same process's RSS before the decode.
 *
 * `npx tsx bench/decode-budget.ts [--dicom FILE] [--sizes 1024x1024,4000x5000,5000x6000,6000x8000]`
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import dicomParser from 'dicom-parser';
import sharp from 'sharp';
import { tempDir, writeDicom } from '../test/helpers/fixtures.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    dicom: { type: 'string' },
    sizes: { type: 'string', default: '1024x1024,4000x5000,5000x6000,6000x8000' },
    measure: { type: 'string' },
    budget: { type: 'string' },
  },
});

if (values.measure !== undefined) await measure(values.measure, values.budget);
else await main();

async function main(): Promise<void> {
  const source = values.dicom ?? defaultDicom();
  const real = readFileSync(source);
  const dataSet = dicomParser.parseDicom(real);
  const pixels = dataSet.elements.x7fe00010;
  if (pixels?.encapsulatedPixelData !== true) throw new Error(`${source}: expected encapsulated (compressed) pixels`);
  const frame = dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, pixels, 0);
  const grey = await sharp(Buffer.from(frame)).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  console.log(
    `source: ${source}: ${dataSet.uint16('x00280011')}×${dataSet.uint16('x00280010')} ${dataSet.string('x00020010')}` +
      ` ${dataSet.string('x00280004')}, decoded by sharp to ${grey.info.width}×${grey.info.height}`,
  );
  const dir = tempDir('cxr-decode-budget-');
  console.log('file | megapixels | bytes | wall ms | cpu ms | peak RSS above start MB | bytes per pixel');
  for (const size of (values.sizes as string).split(',')) {
    const [width, height] = size.split('x').map(Number) as [number, number];
    const scaled = await sharp(grey.data, { raw: grey.info })
      .resize(width, height, { fit: 'fill' })
      .toColourspace('grey16')
      .raw({ depth: 'ushort' })
      .toBuffer();
    const samples = new Uint16Array(scaled.buffer, scaled.byteOffset, scaled.byteLength / 2);
    const dicom = writeDicom(join(dir, `${size}.dcm`), { width, height, bits: 16, values: samples });
    const png = join(dir, `${size}.png`);
    await sharp(scaled, { raw: { width, height, channels: 1 }, limitInputPixels: false })
      .toColourspace('grey16')
      .png()
      .toFile(png);
    const jpeg = join(dir, `${size}.jpg`);
    await sharp(grey.data, { raw: grey.info })
      .resize(width, height, { fit: 'fill' })
      .jpeg({ quality: 90 })
      .toFile(jpeg);
    for (const file of [dicom, png, jpeg]) {
      const out = execFileSync(
        process.execPath,
        ['--import', 'tsx', fileURLToPath(import.meta.url), '--measure', file],
        {
          encoding: 'utf8',
        },
      );
      const m = JSON.parse(out) as { wallMs: number; cpuMs: number; peakMb: number; bytes: number; error?: string };
      const mp = (width * height) / 1e6;
      console.log(
        `${file
          .slice(file.lastIndexOf('.') + 1)
          .toUpperCase()
          .padEnd(5)} ${size} | ${mp.toFixed(1)} | ${m.bytes} | ${m.wallMs.toFixed(0)} |` +
          ` ${m.cpuMs.toFixed(0)} | ${m.peakMb.toFixed(0)} | ${((m.peakMb * 1e6) / (width * height)).toFixed(1)}` +
          `${m.error ? ` | ${m.error}` : ''}`,
      );
    }
  }
  writeFileSync(join(dir, 'README'), 'decode-budget bench files; safe to delete\n');
}

/** One decode in this (fresh) process. */
async function measure(file: string, budget?: string): Promise<void> {
  const { decodeGreyBytes } = await import('../src/datasets/images/decode.js');
  const bytes = readFileSync(file);
  // The peak is the kernel's high-water mark, reset first: a child's getrusage maxrss starts at its parent's RSS
  // (fork), which would count the bench's own buffers.
  writeFileSync('/proc/self/clear_refs', '5');
  const before = process.memoryUsage().rss;
  const cpu = process.cpuUsage();
  const started = performance.now();
  let error: string | undefined;
  try {
    await decodeGreyBytes(bytes, file, 256, 'area', ...(budget ? [Number(budget)] : []));
  } catch (e) {
    error = (e as { code?: string }).code ?? String(e);
  }
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const peakMb = (highWaterMark() - before) / 1e6;
  process.stdout.write(
    JSON.stringify({ wallMs, cpuMs: (used.user + used.system) / 1000, peakMb, bytes: bytes.length, error }),
  );
}

/** VmHWM of /proc/self/status, in bytes. */
function highWaterMark(): number {
  const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  return Number(kb) * 1024;
}

function defaultDicom(): string {
  const dir = resolve(repo, '../shared/data/dicom');
  return join(dir, 'siim-1.2.276.0.7230010.3.1.4.8323329.6904.1517875201.850819.dcm');
}
