/**
 * The body of a decode-pool thread (and of an upload decode process, decode-process.ts): one image (a file, or
 * bytes already received) to grey pixels at the model's size (or a preview's). One that fails comes back as its
 * error code, message and details (an error thrown across threads loses its code). A compressed DICOM loads its
 * WebAssembly codec here, in the thread or process that decodes it, on the first such file it meets.
 */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { isCxrError } from '../../errors.js';
import { decodeGreyBytes, type Fit, type GreyImage, type ResizeKernel, readImageFileSync } from './decode.js';

export interface DecodeTask {
  source: { file: string } | { bytes: Uint8Array; name: string };
  size: number;
  resize: ResizeKernel;
  /** Pixels an image may declare (see pixel-budget.ts). */
  budget: number;
  /** `fill` (default): `size`×`size`; `inside`: aspect kept, longer side at most `size` (a preview). */
  fit?: Fit;
}

export type DecodeOutcome = GreyImage | { code: string; message: string; details: Record<string, unknown> };

export default async function decodeTask(task: DecodeTask): Promise<DecodeOutcome> {
  const outcome = await decodeOutcome(task);
  return 'code' in outcome ? outcome : movable(outcome);
}

/** One task's pixels, or its CxrError as plain data; anything else (a bug) is thrown. */
export async function decodeOutcome({ source, size, resize, budget, fit }: DecodeTask): Promise<DecodeOutcome> {
  try {
    const [bytes, name] =
      'file' in source ? [readImageFileSync(source.file), source.file] : [source.bytes, source.name];
    return await decodeGreyBytes(bytes, name, size, resize, budget, fit);
  } catch (error) {
    if (!isCxrError(error)) throw error;
    return { code: error.code, message: error.message, details: error.details };
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
