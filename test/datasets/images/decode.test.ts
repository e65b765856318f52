import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeGrey, inspectImage, readImageInfo } from '../../../src/datasets/images/decode.js';
import { resizeArea } from '../../../src/datasets/images/resize.js';
import { tempDir, writeDicom, writeImage, writeText } from '../../helpers/fixtures.js';

const dir = tempDir();

describe('decodeGrey', () => {
  for (const [format, bits, channels] of [
    ['png', 8, 1],
    ['png', 16, 1],
    ['png', 8, 3],
    ['jpeg', 8, 1],
    ['tiff', 16, 1],
  ] as const) {
    it(`${format} ${bits}-bit ${channels === 1 ? 'grey' : 'RGB'}: a left-to-right gradient in [0, 1], resized`, async () => {
      const path = await writeImage(join(dir, `g${bits}${channels}.${format}`), {
        format,
        bits,
        channels,
        width: 40,
        height: 30,
      });
      const full = await decodeGrey(path);
      expect([full.width, full.height]).toEqual([40, 30]);
      expect(full.data[0]).toBeCloseTo(0, 1);
      expect(full.data[39]).toBeCloseTo(1, 1);
      const small = await decodeGrey(path, 16);
      expect([small.width, small.height, small.data.length]).toEqual([16, 16, 256]);
      expect(small.data[15] as number).toBeGreaterThan(small.data[0] as number);
      expect((await readImageInfo(path)).format).toBe(format === 'jpeg' ? 'jpeg' : format);
    });
  }

  it('resizes by area averaging, or as sharp does (lanczos3) for bundles trained that way', async () => {
    const path = await writeImage(join(dir, 'kernels.png'), { width: 90, height: 70, channels: 3 });
    const full = await decodeGrey(path);
    expect((await decodeGrey(path, 30)).data).toEqual(resizeArea(full, 30).data);
    const { data } = await sharp(path)
      .removeAlpha()
      .toColourspace('grey16')
      .resize(30, 30, { fit: 'fill' })
      .raw({
        depth: 'ushort',
      })
      .toBuffer({ resolveWithObject: true });
    const lanczos = Float32Array.from(new Uint16Array(data.buffer, data.byteOffset, data.length / 2), (v) => v / 65535);
    expect((await decodeGrey(path, 30, 'lanczos3')).data).toEqual(lanczos);
  });

  it('checks a file as an import does: the header alone passes a truncated PNG, a full decode does not', async () => {
    const good = await writeImage(join(dir, 'check.png'), { width: 120, height: 90 });
    expect(await inspectImage(good, true)).toEqual({ width: 120, height: 90, format: 'png' });
    const truncated = join(dir, 'check-truncated.png');
    writeFileSync(truncated, readFileSync(good).subarray(0, 200));
    expect(await inspectImage(truncated, false)).toMatchObject({ width: 120, height: 90 });
    await expect(inspectImage(truncated, true)).rejects.toMatchObject({ code: 'IMAGE_CORRUPT' });
    const jpeg = await writeImage(join(dir, 'check.jpeg'), { format: 'jpeg', width: 64, height: 48 });
    expect(await inspectImage(jpeg, true)).toEqual({ width: 64, height: 48, format: 'jpeg' });
  });

  it('keeps 16-bit precision (values between 8-bit steps survive)', async () => {
    const path = await writeImage(join(dir, 'fine.png'), { bits: 16, width: 1000, height: 2 });
    const image = await decodeGrey(path);
    const distinct = new Set(Array.from(image.data.slice(0, 1000), (v) => Math.round(v * 65535)));
    expect(distinct.size).toBeGreaterThan(900);
  });

  it('refuses a missing, a corrupt and a truncated file with codes', async () => {
    await expect(decodeGrey(join(dir, 'none.png'))).rejects.toMatchObject({ code: 'IMAGE_MISSING' });
    const garbage = join(dir, 'garbage.png');
    writeFileSync(garbage, Buffer.from('\x89PNG\r\n\x1a\nthis is not a png', 'latin1'));
    await expect(decodeGrey(garbage)).rejects.toMatchObject({ code: 'IMAGE_CORRUPT' });
    const good = await writeImage(join(dir, 'whole.png'), { width: 200, height: 200 });
    const bytes = readFileSync(good);
    const truncated = join(dir, 'truncated.png');
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(decodeGrey(truncated)).rejects.toMatchObject({ code: 'IMAGE_CORRUPT' });
    const text = writeText(join(dir, 'notes.png'), 'just text');
    await expect(decodeGrey(text)).rejects.toMatchObject({ code: 'IMAGE_UNSUPPORTED' });
  });
});

describe('DICOM', () => {
  const ramp = (n: number, max: number) => Array.from({ length: n }, (_, i) => Math.round((i / (n - 1)) * max));

  it('16-bit unsigned MONOCHROME2 without a window: its percentile window, for 8 pixels their range', async () => {
    const path = writeDicom(join(dir, 'a.dcm'), { width: 4, height: 2, bits: 16, values: ramp(8, 4000) });
    const image = await decodeGrey(path);
    expect([image.width, image.height]).toEqual([4, 2]);
    expect(image.data[0]).toBeCloseTo(0, 5);
    expect(image.data[7]).toBeCloseTo(1, 5);
    expect(image.data[3]).toBeCloseTo(3 / 7, 3);
  });

  it('MONOCHROME1 is inverted', async () => {
    const path = writeDicom(join(dir, 'm1.dcm'), {
      width: 4,
      height: 2,
      bits: 8,
      photometric: 'MONOCHROME1',
      values: ramp(8, 255),
    });
    const image = await decodeGrey(path);
    expect(image.data[0]).toBeCloseTo(1, 5);
    expect(image.data[7]).toBeCloseTo(0, 5);
  });

  it('applies rescale slope/intercept and then the window (signed 16-bit, CT-like)', async () => {
    // Stored −1000 … 1000 with slope 2, intercept −24 → −2024 … 1976; window centre 0, width 400 → [−200, 200].
    const values = [-1000, -100, -12, 12, 100, 1000];
    const path = writeDicom(join(dir, 'ct.dcm'), {
      width: 3,
      height: 2,
      bits: 16,
      signed: true,
      slope: 2,
      intercept: -24,
      window: [0, 400],
      values,
    });
    const image = await decodeGrey(path);
    const expected = values.map((v) => Math.min(1, Math.max(0, (v * 2 - 24 + 0.5) / 399 + 0.5)));
    for (const [i, e] of expected.entries()) expect(image.data[i]).toBeCloseTo(e, 4);
    expect(image.data[0]).toBe(0);
    expect(image.data[5]).toBe(1);
  });

  it('resizes to the model size', async () => {
    const path = writeDicom(join(dir, 'big.dcm'), { width: 32, height: 32, bits: 16, values: ramp(1024, 60000) });
    const image = await decodeGrey(path, 8);
    expect([image.width, image.height, image.data.length]).toEqual([8, 8, 64]);
  });

  it('refuses a compressed transfer syntax it does not decode (HTJ2K) with DICOM_COMPRESSED_UNSUPPORTED', async () => {
    const path = writeDicom(join(dir, 'htj2k.dcm'), {
      width: 2,
      height: 2,
      bits: 8,
      values: [1, 2, 3, 4],
      transferSyntax: '1.2.840.10008.1.2.4.201',
    });
    await expect(decodeGrey(path)).rejects.toMatchObject({ code: 'DICOM_COMPRESSED_UNSUPPORTED' });
  });

  it('refuses a compressed transfer syntax over native pixel data with IMAGE_CORRUPT', async () => {
    const path = writeDicom(join(dir, 'jpeg.dcm'), {
      width: 2,
      height: 2,
      bits: 8,
      values: [1, 2, 3, 4],
      transferSyntax: '1.2.840.10008.1.2.4.50',
    });
    await expect(decodeGrey(path)).rejects.toMatchObject({ code: 'IMAGE_CORRUPT' });
  });

  it('refuses pixel data shorter than the stated size with IMAGE_CORRUPT', async () => {
    const path = writeDicom(join(dir, 'short.dcm'), { width: 10, height: 10, bits: 16, values: [1, 2, 3] });
    await expect(decodeGrey(path)).rejects.toMatchObject({ code: 'IMAGE_CORRUPT' });
  });
});
