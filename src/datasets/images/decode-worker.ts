/**
 * The body of a decode-pool thread: one image (a file, or bytes already received) to grey pixels at the model's
 * size. One that fails comes back as its error code and message (an error thrown across threads loses its code).
 */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { isCxrError } from '../../errors.js';
import { decodeGreyBytes, type GreyImage, type ResizeKernel, readImageFileSync } from './decode.js';

export interface DecodeTask {
  source: { file: string } | { bytes: Uint8Array; name: string };
  size: number;
  resize: ResizeKernel;
}

export type DecodeOutcome = GreyImage | { code: string; message: string };

export default async function decodeTask({ source, size, resize }: DecodeTask): Promise<DecodeOutcome> {
  try {
    const [bytes, name] =
      'file' in source ? [readImageFileSync(source.file), source.file] : [source.bytes, source.name];
    return movable(await decodeGreyBytes(bytes, name, size, resize));
  } catch (error) {
    if (!isCxrError(error)) throw error;
    return { code: error.code, message: error.message };
  }
}

/** The pixels are moved to the main thread, not copied (a 256² image is 256 KB of floats). */
function movable(image: GreyImage): GreyImage {
  return move({
    get [transferableSymbol]() {
      return [image.data.buffer];
    },
    get [valueSymbol]() {
      return image;
    },
  }) as unknown as GreyImage;
}
