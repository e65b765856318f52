/**
 * The body of a decode-pool thread: one image file to grey pixels at the model's size. A file that fails comes
 * back as its error code and message (an error thrown across threads would lose its code).
 */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { isCxrError } from '../../errors.js';
import { decodeGreyBytes, type GreyImage, type ResizeKernel, readImageFileSync } from './decode.js';

export interface DecodeTask {
  file: string;
  size: number;
  resize: ResizeKernel;
}

export type DecodeOutcome = GreyImage | { code: string; message: string };

export default async function decodeTask({ file, size, resize }: DecodeTask): Promise<DecodeOutcome> {
  try {
    return movable(await decodeGreyBytes(readImageFileSync(file), file, size, resize));
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
