import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeGrey, inspectImage } from '../../../src/datasets/images/decode.js';
import { decodeDicom } from '../../../src/datasets/images/dicom.js';
import { type DicomFileSpec, dicomBytes } from '../../helpers/dicom-files.js';
import { generatedRadiograph } from '../../helpers/generated-radiograph.js';
import { encodeJpegDct } from '../../helpers/jpeg-dct-encode.js';
import { encodeJpegLossless } from '../../helpers/jpeg-lossless-encode.js';
import { encodeRle } from '../../helpers/rle-encode.js';
import { hasShared, sharedPath } from '../../helpers/shared-data.js';
import { encodeJpeg2000, encodeJpegLs } from '../../helpers/wasm-encoders.js';

// Not multiples of 8 or 16: JPEG's edge blocks and odd row lengths are exercised.
const [W, H] = [75, 61];

const SYNTAX = {
  baseline: '1.2.840.10008.1.2.4.50',
  extended: '1.2.840.10008.1.2.4.51',
  lossless: '1.2.840.10008.1.2.4.57',
  losslessSv1: '1.2.840.10008.1.2.4.70',
  jpegLs: '1.2.840.10008.1.2.4.80',
  jpegLsNear: '1.2.840.10008.1.2.4.81',
  j2kLossless: '1.2.840.10008.1.2.4.90',
  j2k: '1.2.840.10008.1.2.4.91',
  rle: '1.2.840.10008.1.2.5',
};

interface Case {
  title: string;
  syntax: string;
  bits: number;
  signed?: boolean;
  encode: (samples: number[], bits: number) => Uint8Array | Promise<Uint8Array>;
  /** Largest error in stored units (0: lossless). */
  tolerance: number;
}

const cases: Case[] = [
  { title: 'JPEG Baseline 8-bit (sharp)', syntax: SYNTAX.baseline, bits: 8, tolerance: 12, encode: sharpJpeg },
  {
    title: 'JPEG Baseline 8-bit',
    syntax: SYNTAX.baseline,
    bits: 8,
    tolerance: 3,
    encode: (s) => encodeJpegDct(s, W, H, 8),
  },
  {
    title: 'JPEG Extended 12-bit',
    syntax: SYNTAX.extended,
    bits: 12,
    tolerance: 3,
    encode: (s) => encodeJpegDct(s, W, H, 12),
  },
  ...[8, 12, 16].map((bits) => ({
    title: `JPEG Lossless SV1 ${bits}-bit`,
    syntax: SYNTAX.losslessSv1,
    bits,
    tolerance: 0,
    encode: (s: number[]) => encodeJpegLossless(s, W, H, bits, 1),
  })),
  ...[4, 6, 7].map((predictor) => ({
    title: `JPEG Lossless process 14, predictor ${predictor}, 12-bit`,
    syntax: SYNTAX.lossless,
    bits: 12,
    tolerance: 0,
    encode: (s: number[]) => encodeJpegLossless(s, W, H, 12, predictor),
  })),
  ...[8, 12, 16].map((bits) => ({
    title: `JPEG-LS lossless ${bits}-bit`,
    syntax: SYNTAX.jpegLs,
    bits,
    tolerance: 0,
    encode: (s: number[]) => encodeJpegLs(s, W, H, bits),
  })),
  {
    title: 'JPEG-LS near-lossless 12-bit',
    syntax: SYNTAX.jpegLsNear,
    bits: 12,
    tolerance: 3,
    encode: (s) => encodeJpegLs(s, W, H, 12, 3),
  },
  ...[8, 12, 16].map((bits) => ({
    title: `JPEG 2000 lossless ${bits}-bit`,
    syntax: SYNTAX.j2kLossless,
    bits,
    tolerance: 0,
    encode: (s: number[]) => encodeJpeg2000(s, W, H, bits),
  })),
  {
    title: 'JPEG 2000 lossy 12-bit (ratio 4)',
    syntax: SYNTAX.j2k,
    bits: 12,
    tolerance: 200,
    encode: (s) => encodeJpeg2000(s, W, H, 12, { rate: 4 }),
  },
  ...[8, 16].map((bits) => ({
    title: `RLE ${bits}-bit`,
    syntax: SYNTAX.rle,
    bits,
    tolerance: 0,
    encode: (s: number[]) => encodeRle(s, W, H, bits > 8 ? 2 : 1),
  })),
  {
    title: 'RLE 16-bit signed',
    syntax: SYNTAX.rle,
    bits: 16,
    signed: true,
    tolerance: 0,
    encode: (s) => encodeRle(s, W, H, 2),
  },
  {
    title: 'JPEG Lossless SV1 12-bit signed',
    syntax: SYNTAX.losslessSv1,
    bits: 12,
    signed: true,
    tolerance: 0,
    encode: (s) =>
      encodeJpegLossless(
        s.map((v) => v & 0xfff),
        W,
        H,
        12,
        1,
      ),
  },
  {
    title: 'JPEG 2000 lossless 12-bit signed',
    syntax: SYNTAX.j2kLossless,
    bits: 12,
    signed: true,
    tolerance: 0,
    encode: (s) => encodeJpeg2000(s, W, H, 12, { signed: true }),
  },
];

async function sharpJpeg(samples: number[]): Promise<Uint8Array> {
  return sharp(Uint8Array.from(samples), { raw: { width: W, height: H, channels: 1 } })
    .toColourspace('b-w')
    .jpeg({ quality: 95 })
    .toBuffer();
}

/** The generated image in `bits` bits; signed images are shifted to straddle zero. */
function samplesFor(bits: number, signed: boolean): number[] {
  const values = generatedRadiograph(W, H, bits, 7);
  return signed ? values.map((v) => v - 2 ** (bits - 1)) : values;
}

function spec(bits: number, signed: boolean): Omit<DicomFileSpec, 'frames' | 'samples'> {
  return { width: W, height: H, bitsAllocated: bits > 8 ? 16 : 8, bitsStored: bits, signed };
}

/** Display values of the uncompressed file holding `samples`: what the compressed one must read as. */
async function uncompressedReading(
  samples: number[],
  bits: number,
  signed: boolean,
  extra: Partial<DicomFileSpec> = {},
) {
  return decodeDicom(dicomBytes({ ...spec(bits, signed), ...extra, samples }));
}

describe('compressed DICOM: each transfer syntax reads as the same pixels stored uncompressed', () => {
  for (const c of cases) {
    it(`${c.title} (${c.syntax})`, async () => {
      const signed = c.signed === true;
      const samples = samplesFor(c.bits, signed);
      const encoded = await c.encode(samples, c.bits);
      // A window in stored units, so display values differ by the stored error over the window's width.
      const window = { centre: signed ? 0 : 2 ** (c.bits - 1), width: 2 ** c.bits };
      const file = dicomBytes({ ...spec(c.bits, signed), transferSyntax: c.syntax, window, frames: [encoded] });
      const image = await decodeDicom(file, 'compressed.dcm');
      const reference = await uncompressedReading(samples, c.bits, signed, { window });
      expect([image.width, image.height, image.voi]).toEqual([W, H, 'window']);
      let worst = 0;
      for (let p = 0; p < W * H; p++)
        worst = Math.max(worst, Math.abs((image.data[p] as number) - (reference.data[p] as number)));
      const stored = worst * (window.width - 1);
      if (c.tolerance === 0) expect(stored).toBeLessThan(1e-3);
      else {
        expect(stored).toBeLessThanOrEqual(c.tolerance + 1e-3);
        expect(stored).toBeGreaterThan(0); // lossy indeed: the codec ran, not a copy of the samples
      }
    });
  }

  it('the real JPEG Baseline files read as sharp (libjpeg-turbo) decodes their JPEG, MONOCHROME1 inverted', async (context) => {
    const siim = 'dicom/siim-1.2.276.0.7230010.3.1.4.8323329.6904.1517875201.850819.dcm';
    if (!hasShared(siim) || !hasShared('dicom/Fake_MONOHR1.dcm')) {
      context.skip();
      return;
    }
    const bytes = readFileSync(sharedPath(siim));
    const image = await decodeDicom(bytes, siim);
    expect([image.width, image.height, image.view, image.voi]).toEqual([1024, 1024, 'PA', 'stored-range']);
    // The JPEG stream starts at the first FFD8 after the pixel data's fragment item.
    const start = bytes.indexOf(Buffer.from([0xff, 0xd8, 0xff]), bytes.indexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00])));
    const { data, info } = await sharp(bytes.subarray(start)).raw().toBuffer({ resolveWithObject: true });
    let worst = 0;
    for (let p = 0; p < image.data.length; p++) {
      worst = Math.max(worst, Math.abs((image.data[p] as number) * 255 - (data[p * info.channels] as number)));
    }
    expect(worst).toBeLessThan(1.01); // IDCT rounding at most
    const inverted = await decodeDicom(readFileSync(sharedPath('dicom/Fake_MONOHR1.dcm')));
    for (const p of [0, 1000, 524_800, 1_048_575])
      expect(inverted.data[p]).toBeCloseTo(1 - (image.data[p] as number), 6);
    const small = await decodeGrey(sharedPath(siim), 64);
    expect([small.width, small.height]).toEqual([64, 64]);
  });
});

describe('compressed DICOM: frames, sizes and failures', () => {
  const frameImages = [1, 2, 3].map((seed) => generatedRadiograph(W, H, 12, seed));
  const frames = frameImages.map((s) => encodeJpegLossless(s, W, H, 12, 1));
  const reference = () => uncompressedReading(frameImages[0] as number[], 12, false);

  it('reads the first frame of a multi-frame file: with an offset table, without, or split over fragments', async () => {
    const expected = (await reference()).data;
    const base = { ...spec(12, false), transferSyntax: SYNTAX.losslessSv1 };
    for (const offsetTable of [true, false]) {
      const image = await decodeDicom(dicomBytes({ ...base, frames, offsetTable }));
      expect(image.data).toEqual(expected);
    }
    // Three frames in five fragments, no offset table: the first frame ends at the first end-of-image marker.
    const first = frames[0] as Uint8Array;
    const split = [first.subarray(0, 40), first.subarray(40), frames[1] as Uint8Array, frames[2] as Uint8Array];
    const image = await decodeDicom(dicomBytes({ ...base, frames: split, numberOfFrames: 3 }));
    expect(image.data).toEqual(expected);
  });

  it('refuses, from the header, a compressed file whose frames together exceed the pixel budget', async () => {
    const file = dicomBytes({ ...spec(12, false), transferSyntax: SYNTAX.losslessSv1, frames, numberOfFrames: 100 });
    await expect(decodeDicom(file, 'many.dcm', W * H * 99)).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
    expect((await decodeDicom(file, 'many.dcm', W * H * 100)).width).toBe(W);
  });

  it('refuses a codestream whose size is not the header’s before decoding it (IMAGE_CORRUPT)', async () => {
    const larger = encodeJpegLossless(generatedRadiograph(W + 8, H, 12), W + 8, H, 12, 1);
    const file = dicomBytes({ ...spec(12, false), transferSyntax: SYNTAX.losslessSv1, frames: [larger] });
    await expect(decodeDicom(file, 'lying.dcm')).rejects.toMatchObject({
      code: 'IMAGE_CORRUPT',
      message: expect.stringContaining(`is ${W + 8}×${H}, the header says ${W}×${H}`),
    });
    const j2k = await encodeJpeg2000(generatedRadiograph(W, H + 3, 12), W, H + 3, 12);
    const lyingJ2k = dicomBytes({ ...spec(12, false), transferSyntax: SYNTAX.j2kLossless, frames: [j2k] });
    await expect(decodeDicom(lyingJ2k)).rejects.toMatchObject({ code: 'IMAGE_CORRUPT' });
  });

  it('a cut-short or damaged codestream is IMAGE_CORRUPT, for every codec; the next good file still decodes', async () => {
    const samples = samplesFor(12, false);
    const streams: Array<[string, Uint8Array]> = [
      [SYNTAX.extended, encodeJpegDct(samples, W, H, 12)],
      [SYNTAX.losslessSv1, encodeJpegLossless(samples, W, H, 12, 1)],
      [SYNTAX.jpegLs, await encodeJpegLs(samples, W, H, 12)],
      [SYNTAX.j2kLossless, await encodeJpeg2000(samples, W, H, 12)],
      [SYNTAX.rle, encodeRle(samples, W, H, 2)],
    ];
    for (const [syntax, stream] of streams) {
      // The headers survive (the size check passes), the entropy-coded data does not.
      const damaged = Uint8Array.from(stream.subarray(0, Math.floor(stream.length / 3)));
      const file = dicomBytes({ ...spec(12, false), transferSyntax: syntax, frames: [damaged] });
      await expect(decodeDicom(file, 'damaged.dcm'), syntax).rejects.toMatchObject({ code: 'IMAGE_CORRUPT' });
      if (syntax === SYNTAX.rle) {
        const offsets = Uint8Array.from(stream);
        offsets.fill(0xff, 8, 12); // the second segment starts far past the end
        const bad = dicomBytes({ ...spec(12, false), transferSyntax: syntax, frames: [offsets] });
        await expect(decodeDicom(bad), syntax).rejects.toMatchObject({ code: 'IMAGE_CORRUPT' });
      }
      const good = dicomBytes({ ...spec(12, false), transferSyntax: syntax, frames: [stream] });
      expect((await decodeDicom(good)).width, syntax).toBe(W);
    }
  });

  it('other compressed syntaxes keep DICOM_COMPRESSED_UNSUPPORTED, naming the syntax', async () => {
    for (const syntax of ['1.2.840.10008.1.2.4.201', '1.2.840.10008.1.2.4.110', '1.2.840.10008.1.2.1.99']) {
      const file = dicomBytes({ ...spec(12, false), transferSyntax: syntax, frames: [new Uint8Array(8)] });
      await expect(decodeDicom(file)).rejects.toMatchObject({
        code: 'DICOM_COMPRESSED_UNSUPPORTED',
        details: { transferSyntax: syntax },
      });
    }
  });

  it('an import’s header check reads a compressed file without decoding it; a full check decodes it', async () => {
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tempDir } = await import('../../helpers/fixtures.js');
    const path = join(tempDir(), 'header-only.dcm');
    const broken = Uint8Array.from((frames[0] as Uint8Array).subarray(0, 60));
    writeFileSync(path, dicomBytes({ ...spec(12, false), transferSyntax: SYNTAX.losslessSv1, frames: [broken] }));
    expect(await inspectImage(path, false)).toEqual({ width: W, height: H, format: 'dicom' });
    await expect(inspectImage(path, true)).rejects.toMatchObject({ code: 'IMAGE_CORRUPT' });
  });
});
