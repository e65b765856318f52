import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
// Workers use sharp for the formats the project does not read itself. On glibc Linux sharp must be loaded by the
// main thread before its workers, or its shared libraries unload when a worker exits (sharp's docs, issue #2263).
import 'sharp';
import { cxrError, type ErrorCode } from '../../errors.js';
import type { GreyImage, ResizeKernel } from './decode.js';
import type { DecodeOutcome, DecodeTask } from './decode-worker.js';
import { DEFAULT_PIXEL_BUDGET } from './pixel-budget.js';

export interface DecodePool {
  /** Decodes one file on a pool thread; failures reject with the CxrError decodeGrey would have thrown. */
  decode(file: string): Promise<GreyImage>;
  /** Decodes bytes already in memory (an upload); `name` is what errors mention. */
  decodeBytes(bytes: Uint8Array, name: string): Promise<GreyImage>;
  close(): Promise<void>;
}

/**
 * Image decoding on worker threads, so that reading and resizing the next images runs beside the model (ONNX
 * Runtime's own threads) and beside SQLite writes on the main thread, instead of taking turns with them.
 * `threads` defaults to one less than the cores: the main thread also works. For files the user chose (a build,
 * training): images over the pixel budget are refused, but there is no time or memory limit, since a worker ended
 * for one file would take the other tasks on it along. Untrusted bytes go to `createUploadDecodePool`.
 */
export function createDecodePool(
  target: { size: number; resize: ResizeKernel },
  threads?: number,
  pixelBudget = DEFAULT_PIXEL_BUDGET,
): DecodePool {
  const count = Math.max(1, threads ?? availableParallelism() - 1);
  const pool = new Piscina<DecodeTask, DecodeOutcome>({
    ...workerSource(),
    minThreads: count,
    maxThreads: count,
    // Every task of a batch goes to the workers at once: the main thread hands out queued tasks only when it is
    // free, and while ONNX Runtime runs a batch it is not (onnxruntime-node's run blocks it). With 4 per worker,
    // a worker finished its 4 and waited: the 64² build of the sample ran at 971 images/s, with 64 at 1,204.
    concurrentTasksPerWorker: 64,
    // The pool is idle between a build's batches only briefly; keep its threads.
    idleTimeout: Number.POSITIVE_INFINITY,
  });
  const run = async (source: DecodeTask['source'], name: string) => {
    const outcome = await pool.run({ source, size: target.size, resize: target.resize, budget: pixelBudget });
    if ('code' in outcome)
      throw cxrError(outcome.code as ErrorCode, outcome.message, { ...outcome.details, path: name });
    return outcome;
  };
  return {
    decode: (file) => run({ file }, file),
    decodeBytes: (bytes, name) => run({ bytes, name }, name),
    // Queued tasks are dropped, running ones finish: a worker stopped inside sharp can take the process down.
    close: () => pool.close({ force: true }),
  };
}

/**
 * The worker's file: the compiled `.js` beside this module, or, when this module runs from TypeScript source
 * (tests, benches, `tsx`), the `.ts` file with tsx's loader, which a worker thread does not inherit from a test
 * runner's own transform.
 */
function workerSource(): { filename: string; execArgv?: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  const filename = new URL(`./decode-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url).href;
  return fromSource ? { filename, execArgv: ['--import', 'tsx'] } : { filename };
}
