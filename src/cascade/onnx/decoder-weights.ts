import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cxrError } from '../../errors.js';
import type { RnnOptions } from '../models/rnn.js';

export interface Matrix {
  rows: number;
  cols: number;
  data: Float32Array;
}

export interface LayerWeights {
  input: Matrix;
  recurrent: Matrix;
  bias: Float32Array;
  initKernel: Matrix;
  initBias: Float32Array;
}

export interface BundleDecoderWeights {
  options: {
    cell: 'gru' | 'lstm';
    units: number;
    words: 'learned' | 'one-hot';
    layers: number;
    vocabularySize: number;
  };
  wordTable: Matrix | undefined;
  layers: LayerWeights[];
  outKernel: Matrix;
  outBias: Float32Array;
}

/** The decoder's weights from a bundle's `rnn.json` / `rnn.bin`, in RnnDecoder's `variables` order. */
export function readDecoderWeights(dir: string): BundleDecoderWeights {
  const { options, shapes } = JSON.parse(readFileSync(join(dir, 'rnn.json'), 'utf8')) as {
    options: Required<Pick<RnnOptions, 'cell' | 'units' | 'words' | 'layers' | 'vocabularySize'>>;
    shapes: number[][];
  };
  const bytes = readFileSync(join(dir, 'rnn.bin'));
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  let at = 0;
  let next = 0;
  const take = (): Matrix => {
    const shape = shapes[next++];
    if (shape === undefined) {
      throw cxrError('BUNDLE_CORRUPT', `bundle ${dir}: the decoder has fewer weights than its options need`);
    }
    const size = shape.reduce((a, b) => a * b, 1);
    const data = all.subarray(at, at + size);
    at += size;
    return { rows: shape[0] as number, cols: shape.length > 1 ? (shape[1] as number) : 1, data };
  };
  const wordTable = options.words === 'learned' ? take() : undefined;
  const layers = Array.from({ length: options.layers }, () => ({
    input: take(),
    recurrent: take(),
    bias: take().data,
    initKernel: take(),
    initBias: take().data,
  }));
  const outKernel = take();
  return { options, wordTable, layers, outKernel, outBias: take().data };
}
