import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeGreyBytes } from '../../../src/datasets/images/decode.js';
import { decodeDicom } from '../../../src/datasets/images/dicom.js';
import { percentiles } from '../../../src/datasets/images/dicom-voi.js';
import { dicomBytes } from '../../helpers/dicom-files.js';
import { generatedRadiograph } from '../../helpers/generated-radiograph.js';
import { encodeJpegLs } from '../../helpers/wasm-encoders.js';

const [W, H] = [64, 48];

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
  return worst;
}

/**
 * A PNG export as DICOM-to-PNG tools write one for an image without a window (dcm2png-style, pydicom recipes):
 * the modality values clipped to their 0.5th and 99.5th percentiles, found here by sorting, scaled to 16 bits,
 * MONOCHROME1 inverted.
 */
async function pngExport(
  stored: number[],
  options: { slope?: number; intercept?: number; monochrome1?: boolean } = {},
) {
  const modality = stored.map((v) => v * (options.slope ?? 1) + (options.intercept ?? 0));
  const sorted = [...modality].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1] as number;
  const [low, high] = [rank(0.5), rank(99.5)];
  const grey = modality.map((v) => Math.min(1, Math.max(0, (v - low) / (high - low))));
  const shown = options.monochrome1 ? grey.map((v) => 1 - v) : grey;
  const pixels = Uint16Array.from(shown, (v) => Math.round(v * 65535));
  return sharp(pixels, { raw: { width: W, height: H, channels: 1 } })
    .toColourspace('grey16')
    .png()
    .toBuffer();
}

describe('DICOM display: an image reads the same from DICOM as from its PNG export', () => {
  it('PNG → DICOM: an 8-bit PNG wrapped as DICOM (no window) reads as the PNG, uncompressed and compressed', async () => {
    // Values inside 40…200: a min-max stretch (the old reading) would have changed every pixel.
    const samples = generatedRadiograph(W, H, 8, 3).map((v) => 40 + Math.round((v * 160) / 255));
    const png = await sharp(Uint8Array.from(samples), { raw: { width: W, height: H, channels: 1 } })
      .toColourspace('b-w')
      .png()
      .toBuffer();
    const fromPng = await decodeGreyBytes(png, 'export.png');
    const native = await decodeDicom(dicomBytes({ width: W, height: H, bitsAllocated: 8, samples }));
    expect(native.voi).toBe('stored-range');
    expect(maxDifference(native.data, fromPng.data)).toBeLessThan(1e-6);
    const jpegLs = await encodeJpegLs(samples, W, H, 8);
    const compressed = await decodeDicom(
      dicomBytes({ width: W, height: H, bitsAllocated: 8, transferSyntax: '1.2.840.10008.1.2.4.80', frames: [jpegLs] }),
    );
    expect(maxDifference(compressed.data, fromPng.data)).toBeLessThan(1e-6);
    // At the model's size too: the same pixels are resized the same way.
    const dicomFile = dicomBytes({ width: W, height: H, bitsAllocated: 8, samples });
    const [a, b] = [await decodeGreyBytes(dicomFile, 'a.dcm', 16), await decodeGreyBytes(png, 'a.png', 16)];
    expect(maxDifference(a.data, b.data)).toBeLessThan(1e-6);
  });

  it('DICOM → PNG: a 12-bit image without a window reads as its percentile-windowed PNG export', async () => {
    const stored = generatedRadiograph(W, H, 12, 5);
    // A few extreme pixels (a burned-in marker, dead elements) that a min-max stretch would let set the contrast.
    for (const p of [0, 1, 2, 3, 4, 5]) stored[p] = 4095;
    stored[W * H - 1] = 0;
    for (const monochrome1 of [false, true]) {
      const file = dicomBytes({
        width: W,
        height: H,
        bitsAllocated: 16,
        bitsStored: 12,
        slope: 0.5,
        intercept: -100,
        photometric: monochrome1 ? 'MONOCHROME1' : 'MONOCHROME2',
        samples: stored,
      });
      const image = await decodeDicom(file);
      expect(image.voi).toBe('percentile');
      const fromPng = await decodeGreyBytes(
        await pngExport(stored, { slope: 0.5, intercept: -100, monochrome1 }),
        'x.png',
      );
      expect(maxDifference(image.data, fromPng.data)).toBeLessThan(1 / 65535 + 1e-6);
      // The six bright pixels are clipped, not allowed to compress the rest into a narrow grey band.
      const body = image.data[(H / 2) * W + W / 2] as number;
      expect(monochrome1 ? 1 - body : body).toBeGreaterThan(0.7);
    }
  });

  it('nearest-rank percentiles: exact ranks, a few pixels give their range', () => {
    const values = Float32Array.from({ length: 1000 }, (_, i) => i + 1); // 1 … 1000
    expect(percentiles(values, [0.5, 99.5])).toEqual([5, 995]);
    expect(percentiles(Float32Array.from([7, 3, 9]), [0.5, 99.5])).toEqual([3, 9]);
  });
});

describe('DICOM display: VOI LUT, window, rescale, MONOCHROME1', () => {
  const ramp = Array.from({ length: 8 }, (_, i) => i * 500); // 0 … 3500
  const base = { width: 4, height: 2, bitsAllocated: 16 as const, bitsStored: 12, samples: ramp };

  it('a VOI LUT maps modality values through its table, scaled by its bits, before any window', async () => {
    // 4,096 entries from value 0: a square-root curve of 8 bits.
    const data = Array.from({ length: 4096 }, (_, i) => Math.round(Math.sqrt(i / 4095) * 255));
    const image = await decodeDicom(
      dicomBytes({ ...base, voiLut: { firstMapped: 0, bits: 8, data }, window: { centre: 0, width: 2 } }),
    );
    expect(image.voi).toBe('lut');
    for (const [i, v] of ramp.entries()) expect(image.data[i]).toBeCloseTo((data[v] as number) / 255, 6);
    // Values below the first mapped one take the first entry, above the last the last.
    const shifted = await decodeDicom(dicomBytes({ ...base, voiLut: { firstMapped: 1000, bits: 8, data: [0, 255] } }));
    expect(Array.from(shifted.data)).toEqual([0, 0, 0, 1, 1, 1, 1, 1]);
  });

  it('window shapes: LINEAR (C.11.2.1.2), LINEAR_EXACT and SIGMOID on modality values', async () => {
    const window = { centre: 1500, width: 1000 };
    const linear = await decodeDicom(dicomBytes({ ...base, window }));
    const exact = await decodeDicom(dicomBytes({ ...base, window: { ...window, shape: 'LINEAR_EXACT' } }));
    const sigmoid = await decodeDicom(dicomBytes({ ...base, window: { ...window, shape: 'SIGMOID' } }));
    for (const [i, v] of ramp.entries()) {
      expect(linear.data[i]).toBeCloseTo(Math.min(1, Math.max(0, (v - 1499.5) / 999 + 0.5)), 6);
      expect(exact.data[i]).toBeCloseTo(Math.min(1, Math.max(0, (v - 1500) / 1000 + 0.5)), 6);
      expect(sigmoid.data[i]).toBeCloseTo(1 / (1 + Math.exp((-4 * (v - 1500)) / 1000)), 6);
    }
  });

  it('rescale then window; MONOCHROME1 inverts the result; 8 bits stored or fewer: the stored range', async () => {
    const rescaled = await decodeDicom(
      dicomBytes({ ...base, slope: 2, intercept: -1000, window: { centre: 0, width: 4001 } }),
    );
    for (const [i, v] of ramp.entries())
      expect(rescaled.data[i]).toBeCloseTo(Math.min(1, (2 * v - 1000 + 0.5) / 4000 + 0.5), 5);
    const inverted = await decodeDicom(
      dicomBytes({
        ...base,
        photometric: 'MONOCHROME1',
        slope: 2,
        intercept: -1000,
        window: { centre: 0, width: 4001 },
      }),
    );
    for (let i = 0; i < 8; i++) expect(inverted.data[i]).toBeCloseTo(1 - (rescaled.data[i] as number), 6);
    const six = await decodeDicom(
      dicomBytes({ width: 4, height: 1, bitsAllocated: 8, bitsStored: 6, samples: [0, 21, 42, 63] }),
    );
    expect(Array.from(six.data, (v) => Math.round(v * 63))).toEqual([0, 21, 42, 63]);
  });

  it('uncompressed samples are read from their bits: overlay bits above Bits Stored are masked off', async () => {
    const withOverlay = ramp.map((v) => v | 0x8000); // bit 15 set: a 12-bit image's unused high bits
    const clean = await decodeDicom(dicomBytes({ ...base, window: { centre: 2048, width: 4096 } }));
    const dirty = await decodeDicom(
      dicomBytes({ ...base, samples: withOverlay, window: { centre: 2048, width: 4096 } }),
    );
    expect(Array.from(dirty.data)).toEqual(Array.from(clean.data));
  });
});
