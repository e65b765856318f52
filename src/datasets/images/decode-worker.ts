/**
 * The body of a decode-pool thread: one image file to grey pixels at the model's size. A file that fails comes
 * back as its error code and message (an error thrown across threads would lose its code).
 */
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
    return await decodeGreyBytes(readImageFileSync(file), file, size, resize);
  } catch (error) {
    if (!isCxrError(error)) throw error;
    return { code: error.code, message: error.message };
  }
}
