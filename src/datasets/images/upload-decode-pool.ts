import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cxrError, type ErrorCode } from '../../errors.js';
import { log } from '../../log.js';
import type { Fit, GreyImage, ResizeKernel } from './decode.js';
import type { DecodePool } from './decode-pool.js';
import type { DecodeOutcome, DecodeTask } from './decode-worker.js';
import { DEFAULT_PIXEL_BUDGET } from './pixel-budget.js';

/** What one untrusted decode may cost, and how many may wait. */
export interface UploadDecodeLimits {
  /** Pixels an image may declare; more is IMAGE_TOO_LARGE from its header, before decoding. */
  pixelBudget: number;
  /**
   * A decode process's JS heap in MB (--max-old-space-size). Pixels live outside it and are bounded by the budget;
   * this bounds what a parser builds for a crafted file (2 million empty DICOM elements, 16 MB, make dicom-parser
   * build ~400 MB of objects).
   */
  heapMb: number;
  /** One decode's wall time; past it, its process is killed and the decode fails with IMAGE_DECODE_LIMIT. */
  timeoutMs: number;
  /** Decodes waiting for a process; one more is refused at once with DECODE_BUSY (HTTP 503, Retry-After). */
  maxQueue: number;
}

/**
 * 10 s: a decode at the pixel budget takes ~1 s here (bench/decode-budget.ts), a real chest X-ray ~0.5 s at most.
 * 256 MB of heap: a real DICOM's header needs a few MB. 8 waiting per process: beyond, a client is better told to
 * come back than made to wait behind a queue that only grows.
 */
export const DEFAULT_UPLOAD_DECODE_LIMITS: UploadDecodeLimits = {
  pixelBudget: DEFAULT_PIXEL_BUDGET,
  heapMb: 256,
  timeoutMs: 10_000,
  maxQueue: 8,
};

/** Seconds a client told DECODE_BUSY is asked to wait (its Retry-After). */
export const DECODE_RETRY_AFTER_SECONDS = 2;

/**
 * Decodes untrusted images (uploads) in child processes, one image at a time each. Processes, not worker threads:
 * a worker thread's heap limit ends only that thread while the heap grows slowly, but a large allocation at the
 * limit (a dictionary of a million DICOM elements growing) aborts the whole process, which measured here took the
 * server down; a child process that aborts takes only itself. A process killed for time or memory is replaced on
 * the next decode.
 */
export function createUploadDecodePool(
  target: { size: number; resize: ResizeKernel; fit?: Fit },
  processes = 1,
  limits: Partial<UploadDecodeLimits> = {},
): DecodePool {
  const resolved = { ...DEFAULT_UPLOAD_DECODE_LIMITS, ...limits };
  const slots = Array.from({ length: Math.max(1, processes) }, () => new DecodeProcess(resolved.heapMb));
  for (const slot of slots) slot.start(); // the first upload does not wait for a process to start
  const idle = [...slots];
  const waiting: Array<(slot: DecodeProcess | undefined) => void> = [];
  let closed = false;
  // A finished decode hands its process straight to the next waiting one, so the queue's bound is exact.
  const acquire = async (): Promise<DecodeProcess> => {
    const free = idle.pop();
    if (free !== undefined) return free;
    if (waiting.length >= resolved.maxQueue) {
      throw cxrError('DECODE_BUSY', `${waiting.length} images are already waiting to be decoded; retry shortly`, {
        retryAfter: DECODE_RETRY_AFTER_SECONDS,
      });
    }
    const slot = await new Promise<DecodeProcess | undefined>((resolve) => waiting.push(resolve));
    if (slot === undefined) throw cxrError('INTERNAL', 'the upload decoder was closed');
    return slot;
  };
  const release = (slot: DecodeProcess) => {
    const next = waiting.shift();
    if (next !== undefined) next(slot);
    else idle.push(slot);
  };
  const run = async (source: DecodeTask['source'], name: string): Promise<GreyImage> => {
    if (closed) throw cxrError('INTERNAL', 'the upload decoder was closed');
    const slot = await acquire();
    try {
      const task = { source, ...target, budget: resolved.pixelBudget };
      return await slot.decode(task, name, resolved.timeoutMs);
    } finally {
      release(slot);
    }
  };
  return {
    decode: (file) => run({ file }, file),
    decodeBytes: (bytes, name) => run({ bytes, name }, name),
    close: async () => {
      closed = true;
      for (const wake of waiting.splice(0)) wake(undefined);
      for (const slot of slots) slot.stop();
    },
  };
}

/** Files decoded one after another (the pool's queue is bounded: a batch sent at once could overflow it). */
export async function decodeInTurn(pool: DecodePool, files: string[]): Promise<GreyImage[]> {
  const decoded: GreyImage[] = [];
  for (const file of files) decoded.push(await pool.decode(file));
  return decoded;
}

/** One child process decoding one image at a time; started on first use and again after it dies. */
class DecodeProcess {
  private child?: ChildProcess;
  /** Resolves when the child has loaded its modules (the time limit counts from then, not from its start). */
  private ready?: Promise<ChildProcess>;

  constructor(private readonly heapMb: number) {}

  start(): void {
    void this.running().catch(() => undefined);
  }

  async decode(task: DecodeTask, name: string, timeoutMs: number): Promise<GreyImage> {
    const child = await this.running();
    return new Promise<GreyImage>((resolve, reject) => {
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        child.channel?.unref(); // an idle decoder does not keep the process alive
      };
      const onMessage = (outcome: DecodeOutcome) => {
        done();
        if ('code' in outcome) {
          reject(cxrError(outcome.code as ErrorCode, outcome.message, { ...outcome.details, path: name }));
        } else resolve(outcome);
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        done();
        if (timedOut) {
          reject(
            cxrError('IMAGE_DECODE_LIMIT', `${name}: decoding took longer than ${timeoutMs / 1000} s`, {
              limit: 'time',
              timeoutMs,
            }),
          );
          return;
        }
        // V8 aborts (SIGABRT) when the heap limit is reached; anything else is the decoder failing on this file.
        log.error(`upload decode process ended (code ${code}, signal ${signal}) while decoding ${name}`);
        const memory = signal === 'SIGABRT';
        reject(
          cxrError(
            'IMAGE_DECODE_LIMIT',
            memory
              ? `${name}: decoding needed more than ${this.heapMb} MB of memory`
              : `${name}: the decoder failed on it`,
            { limit: memory ? 'memory' : 'crash', ...(memory ? { heapMb: this.heapMb } : {}) },
          ),
        );
      };
      child.on('message', onMessage);
      child.on('exit', onExit);
      child.channel?.ref();
      child.send(task);
    });
  }

  stop(): void {
    this.child?.kill('SIGKILL');
    this.child = undefined;
    this.ready = undefined;
  }

  private running(): Promise<ChildProcess> {
    if (this.ready !== undefined && this.child?.exitCode === null && this.child.signalCode === null) return this.ready;
    const fromSource = import.meta.url.endsWith('.ts');
    const script = fileURLToPath(new URL(`./decode-process.${fromSource ? 'ts' : 'js'}`, import.meta.url));
    const child = fork(script, [], {
      execArgv: [...(fromSource ? ['--import', 'tsx'] : []), `--max-old-space-size=${this.heapMb}`],
      // Structured clone: the pixels come back as a Float32Array, the upload goes as bytes, not JSON.
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    child.unref();
    this.child = child;
    this.ready = new Promise<ChildProcess>((resolve, reject) => {
      const onExit = (code: number | null) =>
        reject(cxrError('INTERNAL', `the upload decode process did not start (exit code ${code})`));
      child.once('exit', onExit);
      child.once('message', () => {
        child.off('exit', onExit);
        child.channel?.unref();
        resolve(child);
      });
    });
    return this.ready;
  }
}
