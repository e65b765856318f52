/**
 * The installed codecs' encoders, for tests: JPEG-LS by CharLS (@cornerstonejs/codec-charls, its full build) and
 * JPEG 2000 by OpenJPEG (dcmjs-codecs). One grey component.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface CharlsEncoderModule {
  JpegLSEncoder: new () => {
    getDecodedBuffer(info: {
      width: number;
      height: number;
      bitsPerSample: number;
      componentCount: number;
    }): Uint8Array;
    setNearLossless(near: number): void;
    encode(): void;
    getEncodedBuffer(): Uint8Array;
    delete(): void;
  };
}

let charls: Promise<CharlsEncoderModule> | undefined;

function sampleBytes(samples: ArrayLike<number>, bits: number): Uint8Array {
  if (bits <= 8) return Uint8Array.from(samples, (v) => v & 0xff);
  const words = Uint16Array.from(samples, (v) => v & 0xffff);
  return new Uint8Array(words.buffer);
}

/** JPEG-LS, lossless (`near` 0) or near-lossless (each sample within `near`). */
export async function encodeJpegLs(
  samples: ArrayLike<number>,
  width: number,
  height: number,
  bits: number,
  near = 0,
): Promise<Uint8Array> {
  charls ??= (require('@cornerstonejs/codec-charls/wasmjs') as (o: object) => Promise<CharlsEncoderModule>)({
    print: () => undefined,
    printErr: () => undefined,
  });
  const encoder = new (await charls).JpegLSEncoder();
  try {
    encoder.getDecodedBuffer({ width, height, bitsPerSample: bits, componentCount: 1 }).set(sampleBytes(samples, bits));
    encoder.setNearLossless(near);
    encoder.encode();
    return encoder.getEncodedBuffer().slice();
  } finally {
    encoder.delete();
  }
}

type DcmjsCodecs = typeof import('dcmjs-codecs');
let dcmjs: Promise<DcmjsCodecs> | undefined;

/** JPEG 2000 (a J2K codestream), reversible or, with `rate`, irreversible at that compression ratio. */
export async function encodeJpeg2000(
  samples: ArrayLike<number>,
  width: number,
  height: number,
  bits: number,
  options: { signed?: boolean; rate?: number } = {},
): Promise<Uint8Array> {
  dcmjs ??= (async () => {
    const codecs = require('dcmjs-codecs') as DcmjsCodecs;
    if (!codecs.NativeCodecs.isInitialized()) await codecs.NativeCodecs.initializeAsync();
    return codecs;
  })();
  const { Context, NativeCodecs } = await dcmjs;
  const context = new Context({
    width,
    height,
    bitsAllocated: bits > 8 ? 16 : 8,
    bitsStored: bits,
    samplesPerPixel: 1,
    pixelRepresentation: options.signed ? 1 : 0,
    planarConfiguration: 0,
    photometricInterpretation: 'MONOCHROME2',
    decodedBuffer: sampleBytes(samples, bits),
  });
  const lossy = options.rate !== undefined;
  const encoded = NativeCodecs.encodeJpeg2000(context, lossy ? { lossy, rate: options.rate } : { lossy });
  return (encoded.getEncodedBuffer() as Uint8Array).slice();
}
