import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { replaceFileAtomically, writeTextAtomically } from '../store/atomic-file.js';

/** Where a cascade's training stands: enough to continue it after an interruption. */
export interface CheckpointState {
  /** The iteration in progress. */
  iteration: number;
  /**
   * CNN epochs of this iteration done (their weights are in `cnn-<iteration>`). The RNN stage is short and is
   * simply run again when an interruption falls inside it.
   */
  cnnEpochs: number;
  /** Training labels by example index for this iteration (the relabelled ones after the first). */
  labels: Array<[number, string]>;
  correction: number[];
  /** The last finished iteration's first word per class (its decoder's weights are in `rnn`). */
  firstWords: number[];
  /** The last finished iteration's calibration (absent in checkpoints written before it existed). */
  calibration?: unknown;
  /** The finished iterations' index-embedding centres (absent in checkpoints written before them). */
  embeddingCentre?: { first?: number[]; final?: number[] };
  /** Reports of finished iterations, as JSON. */
  reports: unknown[];
  /** Per-epoch CNN statistics of the iteration in progress. */
  cnnHistory: unknown[];
}

/**
 * A training checkpoint folder: a state file plus weight files, each written whole (temporary file, fsync,
 * rename). It belongs to one training run, identified by a hash of the options and the training examples; a
 * folder from another run is ignored (and replaced).
 */
export class Checkpoints {
  private readonly identity: string;

  constructor(
    readonly dir: string,
    identity: unknown,
  ) {
    this.identity = createHash('sha256').update(JSON.stringify(identity)).digest('hex');
  }

  /** The saved state of this run, if there is one. */
  load(): CheckpointState | undefined {
    const file = join(this.dir, 'state.json');
    if (!existsSync(file)) return undefined;
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { identity: string; state: CheckpointState };
    return saved.identity === this.identity ? saved.state : undefined;
  }

  save(state: CheckpointState): void {
    mkdirSync(this.dir, { recursive: true });
    writeTextAtomically(join(this.dir, 'state.json'), JSON.stringify({ identity: this.identity, state }));
  }

  /** Weights as one file: a JSON line of shapes, then the float32 values. */
  saveWeights(name: string, weights: tf.Tensor[]): void {
    mkdirSync(this.dir, { recursive: true });
    const shapes = weights.map((w) => w.shape);
    const values = weights.map((w) => w.dataSync() as Float32Array);
    const header = Buffer.from(`${JSON.stringify(shapes)}\n`);
    const body = Buffer.concat(values.map((v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength)));
    replaceFileAtomically(join(this.dir, `${name}.weights`), (temporary) =>
      writeFileSync(temporary, Buffer.concat([header, body])),
    );
  }

  /** The weights saved under `name` (the caller disposes them), or undefined. */
  loadWeights(name: string): tf.Tensor[] | undefined {
    const file = join(this.dir, `${name}.weights`);
    if (!existsSync(file)) return undefined;
    const bytes = readFileSync(file);
    const newline = bytes.indexOf(10);
    const shapes = JSON.parse(bytes.subarray(0, newline).toString('utf8')) as number[][];
    const values = new Float32Array(
      bytes.buffer.slice(bytes.byteOffset + newline + 1, bytes.byteOffset + bytes.length),
    );
    let at = 0;
    return shapes.map((shape) => {
      const size = shape.reduce((a, b) => a * b, 1);
      const tensor = tf.tensor(values.subarray(at, at + size), shape);
      at += size;
      return tensor;
    });
  }

  clear(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
