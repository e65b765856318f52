import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeGrey, inspectImage } from '../../src/datasets/images/decode.js';
import { createDecodePool } from '../../src/datasets/images/decode-pool.js';
import { DEFAULT_PIXEL_BUDGET } from '../../src/datasets/images/pixel-budget.js';
import { createUploadDecodePool } from '../../src/datasets/images/upload-decode-pool.js';
import { tempDir, writeDicom } from '../helpers/fixtures.js';
import { dicomElementBomb, jpegDeclaring, pngBomb, pngDeclaring } from './bomb-files.js';

const tooLarge = (pixels: number) =>
  expect.objectContaining({ code: 'IMAGE_TOO_LARGE', details: expect.objectContaining({ pixels }) });

describe('the decoded-pixel budget', () => {
  it('refuses a PNG bomb and a PNG, JPEG or DICOM that declares too many pixels, from the header', async () => {
    // Each file below would fail as corrupt (or cost gigabytes) if it were decoded: IMAGE_TOO_LARGE says the
    // header was read and nothing decoded.
    await expect(decodeGrey(pngBomb(8000, 8000), 64)).rejects.toEqual(tooLarge(64e6));
    await expect(decodeGrey(pngDeclaring(16383, 16383), 64)).rejects.toEqual(tooLarge(16383 * 16383));
    await expect(decodeGrey(await jpegDeclaring(12000, 9000), 64)).rejects.toEqual(tooLarge(108e6));
    const dir = tempDir();
    const dicom = writeDicom(join(dir, 'huge.dcm'), { width: 9000, height: 9000, bits: 16, values: [1, 2, 3] });
    await expect(decodeGrey(dicom, 64)).rejects.toEqual(tooLarge(81e6));
    // Every frame counts: 3,000² is a radiograph, 3,000² × 10 frames is not one.
    const frames = writeDicom(join(dir, 'frames.dcm'), { width: 3000, height: 3000, bits: 8, frames: 10, values: [1] });
    await expect(decodeGrey(frames, 64)).rejects.toEqual(tooLarge(90e6));
    // Formats read by sharp (TIFF here) are held to the same budget by sharp's limitInputPixels.
    const tiff = join(dir, 'huge.tiff');
    await sharp({ create: { width: 7000, height: 7000, channels: 3, background: '#000' }, limitInputPixels: false })
      .tiff({ compression: 'deflate' })
      .toFile(tiff);
    await expect(decodeGrey(tiff, 64)).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
    // The import's check refuses them as well, before a build would meet them.
    writeFileSync(join(dir, 'bomb.png'), pngBomb(8000, 8000));
    await expect(inspectImage(join(dir, 'bomb.png'), true)).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
    await expect(inspectImage(tiff, false)).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
  });

  it('decodes a 4,000×5,000 16-bit DICOM and PNG (the largest chest radiographs) at the default budget', async () => {
    expect(4000 * 5000).toBeLessThan(DEFAULT_PIXEL_BUDGET);
    const dir = tempDir();
    const values = new Uint16Array(4000 * 5000);
    for (let i = 0; i < values.length; i++) values[i] = (i % 4000) * 16;
    const dicom = writeDicom(join(dir, 'large.dcm'), { width: 4000, height: 5000, bits: 16, values });
    const fromDicom = await decodeGrey(dicom, 64);
    expect([fromDicom.width, fromDicom.height]).toEqual([64, 64]);
    // Left dark, right bright, as written.
    expect(fromDicom.data[0]).toBeLessThan(0.05);
    expect(fromDicom.data[63]).toBeGreaterThan(0.95);
    const fromPng = await decodeGrey(pngBomb(4000, 5000), 64);
    expect([fromPng.width, fromPng.height]).toEqual([64, 64]);
  });

  it('is the same in the build pool: a bomb is refused with its code across threads', async () => {
    const dir = tempDir();
    const bomb = join(dir, 'bomb.png');
    writeFileSync(bomb, pngBomb(8000, 8000));
    const pool = createDecodePool({ size: 32, resize: 'area' }, 1);
    try {
      await expect(pool.decode(bomb)).rejects.toEqual(tooLarge(64e6));
      await expect(pool.decodeBytes(pngDeclaring(20000, 20000), 'upload')).rejects.toEqual(tooLarge(4e8));
    } finally {
      await pool.close();
    }
  });
});

describe('the upload decode pool', () => {
  it('decodes in a child process to the same pixels as decodeGrey, and refuses a bomb by its header', async () => {
    const pool = createUploadDecodePool({ size: 32, resize: 'area' }, 1);
    try {
      const png = pngBomb(300, 200);
      const pooled = await pool.decodeBytes(png, 'upload');
      expect(pooled.data).toEqual((await decodeGrey(png, 32)).data);
      await expect(pool.decodeBytes(pngBomb(8000, 8000), 'upload')).rejects.toEqual(tooLarge(64e6));
      await expect(pool.decodeBytes(Buffer.from('\x89PNG\r\n\x1a\nbroken', 'latin1'), 'upload')).rejects.toMatchObject({
        code: 'IMAGE_CORRUPT',
      });
    } finally {
      await pool.close();
    }
  });

  it('ends a decode past its time limit, answers IMAGE_DECODE_LIMIT, and decodes the next image', async () => {
    // 100 ms for a 4,000×5,000 16-bit DICOM (~0.9 s to decode here, bench/decode-budget.ts): its process is
    // killed; the next image (a 100² PNG, ~1 ms) goes to a new one.
    const dir = tempDir();
    const values = new Uint16Array(4000 * 5000).fill(1000);
    const dicom = writeDicom(join(dir, 'large.dcm'), { width: 4000, height: 5000, bits: 16, values });
    const pool = createUploadDecodePool({ size: 32, resize: 'area' }, 1, { timeoutMs: 100 });
    try {
      await expect(pool.decode(dicom)).rejects.toMatchObject({
        code: 'IMAGE_DECODE_LIMIT',
        details: { limit: 'time' },
      });
      expect((await pool.decodeBytes(pngBomb(100, 100), 'upload')).width).toBe(32);
    } finally {
      await pool.close();
    }
  });

  it('survives a parser bomb that exhausts its heap: only the decode process dies', async () => {
    const pool = createUploadDecodePool({ size: 32, resize: 'area' }, 1, { heapMb: 64 });
    try {
      await expect(pool.decodeBytes(dicomElementBomb(1_500_000), 'upload')).rejects.toMatchObject({
        code: 'IMAGE_DECODE_LIMIT',
        details: { limit: 'memory' },
      });
      const next = await pool.decodeBytes(pngBomb(100, 100), 'upload');
      expect([next.width, next.height]).toEqual([32, 32]);
    } finally {
      await pool.close();
    }
  });

  it('bounds its queue: past it, DECODE_BUSY with a retry time, and the queued ones still decode', async () => {
    const pool = createUploadDecodePool({ size: 32, resize: 'area' }, 1, { maxQueue: 2 });
    try {
      const image = pngBomb(2000, 2000);
      const results = await Promise.allSettled([0, 1, 2, 3, 4].map(() => pool.decodeBytes(image, 'upload')));
      // One decoding, two waiting, two refused at once.
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'rejected']);
      expect((results[3] as PromiseRejectedResult).reason).toMatchObject({
        code: 'DECODE_BUSY',
        details: { retryAfter: expect.any(Number) },
      });
      expect((await pool.decodeBytes(image, 'upload')).width).toBe(32);
    } finally {
      await pool.close();
    }
  });
});
