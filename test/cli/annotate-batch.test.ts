import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/cascade/backend.js';
import { runCli } from '../helpers/cli.js';
import { writeDicomFile } from '../helpers/dicom-files.js';
import { tempDir } from '../helpers/fixtures.js';
import { encodeJpegLossless } from '../helpers/jpeg-lossless-encode.js';
import { sampleBundle } from '../helpers/sample-bundle.js';
import { hasShared, sharedPath } from '../helpers/shared-data.js';

describe('cxr annotate with good and bad files', () => {
  let sample: Awaited<ReturnType<typeof sampleBundle>>;
  let png: string;
  let good: string;
  let bad: string;

  beforeAll(async () => {
    await selectBackend('wasm');
    sample = await sampleBundle(100, 17);
    png = join(sample.images, readdirSync(sample.images).sort()[0] as string);
    // The PNG's own pixels as a JPEG Lossless DICOM, as an archive would send it.
    const { data, info } = await sharp(png).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    const samples = Array.from({ length: info.width * info.height }, (_, p) => data[p * info.channels] as number);
    const dir = tempDir();
    const frame = encodeJpegLossless(samples, info.width, info.height, 8, 1);
    const spec = {
      width: info.width,
      height: info.height,
      bitsAllocated: 8 as const,
      transferSyntax: '1.2.840.10008.1.2.4.70',
    };
    good = writeDicomFile(join(dir, 'good.dcm'), { ...spec, frames: [frame] });
    bad = writeDicomFile(join(dir, 'bad.dcm'), { ...spec, frames: [frame.subarray(0, 100)] });
  }, 180_000);

  it('prints the good files’ readings and the bad file’s error, exit status 1', () => {
    const result = runCli(['annotate', '--bundle', sample.bundleDir, good, bad, png]);
    expect(result.status).toBe(3); // input: a bad file among good ones
    expect(result.stderr).toMatch(/^cxr: IMAGE_CORRUPT: .*bad\.dcm: .*cut short/m);
    const lines = result.stdout.split('\n');
    const goodAt = lines.indexOf(good);
    const pngAt = lines.indexOf(png);
    expect(goodAt).toBeGreaterThanOrEqual(0);
    expect(pngAt).toBeGreaterThan(goodAt);
    // The DICOM holds the PNG's pixels: the same reading, line for line.
    expect(lines.slice(goodAt + 1, goodAt + 4)).toEqual(lines.slice(pngAt + 1, pngAt + 4));
    expect(result.stdout).not.toContain('bad.dcm');
  });

  it('--json: one row per image in order, the bad one with its error', () => {
    const result = runCli(['annotate', '--bundle', sample.bundleDir, '--json', bad, good]);
    expect(result.status).toBe(3); // input: a bad file among good ones
    const rows = JSON.parse(result.stdout);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ image: bad, error: { code: 'IMAGE_CORRUPT' } });
    expect(rows[1]).toMatchObject({ image: good, disease: expect.any(String) });
    expect(rows[1].sequence.length).toBeGreaterThan(0);
  });

  it('reads the real compressed DICOM files', (context) => {
    const siim = 'dicom/siim-1.2.276.0.7230010.3.1.4.8323329.6904.1517875201.850819.dcm';
    if (!hasShared(siim)) {
      context.skip();
      return;
    }
    const result = runCli(['annotate', '--bundle', sample.bundleDir, '--json', sharedPath(siim)]);
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)[0]).toMatchObject({ disease: expect.any(String) });
  });
});
