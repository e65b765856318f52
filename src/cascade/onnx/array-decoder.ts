import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cxrError } from '../../errors.js';
import type { RnnOptions, ScoredSequence } from '../models/rnn.js';

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

/**
 * The RNN decoder's greedy decoding in plain TypeScript over the bundle's exported weights (`rnn.bin`, in
 * RnnDecoder's `variables` order): the same GRU/LSTM arithmetic as the TensorFlow.js decoder, for the ONNX
 * annotator, which then needs no TensorFlow.js at all. The decoder is small (two layers of 128 units, five
 * words), so this costs a fraction of the CNN's time.
 */
export class ArrayDecoder {
  private constructor(
    private readonly options: {
      cell: 'gru' | 'lstm';
      units: number;
      words: 'learned' | 'one-hot';
      vocabularySize: number;
    },
    private readonly wordTable: Matrix | undefined,
    private readonly layers: LayerWeights[],
    private readonly outKernel: Matrix,
    private readonly outBias: Float32Array,
  ) {}

  static fromBundle(dir: string): ArrayDecoder {
    const w = readDecoderWeights(dir);
    return new ArrayDecoder(w.options, w.wordTable, w.layers, w.outKernel, w.outBias);
  }

  /** Same contract as RnnDecoder.greedy: each image's first word given; stops at `endToken` or `maxWords`. */
  greedy(embeddings: Float32Array[], firstWords: number[], endToken: number, maxWords: number): number[][] {
    return this.greedyScored(embeddings, firstWords, endToken, maxWords).map((d) => d.words);
  }

  /** Same contract as RnnDecoder.greedyScored. */
  greedyScored(embeddings: Float32Array[], firstWords: number[], endToken: number, maxWords: number): ScoredSequence[] {
    return embeddings.map((embedding, i) => {
      const first = firstWords[i] as number;
      const sequence: ScoredSequence = { words: [first], probabilities: [] };
      if (first === endToken) return sequence;
      let state: State[] = this.layers.map((layer) => ({
        h: tanh(add(vectorTimes(embedding, layer.initKernel), layer.initBias)),
        c: new Float32Array(this.options.units),
      }));
      let word = first;
      for (let step = 1; step < maxWords; step++) {
        let x = this.embedWord(word);
        state = state.map((s, l) => {
          const layer = this.layers[l] as LayerWeights;
          const updated =
            this.options.cell === 'gru' ? gru(x, s, layer, this.options.units) : lstm(x, s, layer, this.options.units);
          x = updated.h;
          return updated;
        });
        const probabilities = softmax(add(vectorTimes(x, this.outKernel), this.outBias));
        word = argMax(probabilities);
        if (word === endToken) break;
        sequence.words.push(word);
        sequence.probabilities.push(probabilities[word] as number);
      }
      return sequence;
    });
  }

  private embedWord(word: number): Float32Array {
    if (this.wordTable !== undefined) {
      const cols = this.wordTable.cols;
      return this.wordTable.data.slice(word * cols, (word + 1) * cols);
    }
    const oneHot = new Float32Array(this.options.vocabularySize);
    oneHot[word] = 1;
    return oneHot;
  }
}

type State = { h: Float32Array; c: Float32Array };

function gru(x: Float32Array, s: State, layer: LayerWeights, units: number): State {
  const gx = add(vectorTimes(x, layer.input), layer.bias);
  const gh = vectorTimes(s.h, layer.recurrent);
  const h = new Float32Array(units);
  for (let u = 0; u < units; u++) {
    const z = sigmoid((gx[u] as number) + (gh[u] as number));
    const r = sigmoid((gx[units + u] as number) + (gh[units + u] as number));
    const n = Math.tanh((gx[2 * units + u] as number) + r * (gh[2 * units + u] as number));
    h[u] = (1 - z) * n + z * (s.h[u] as number);
  }
  return { h, c: s.c };
}

function lstm(x: Float32Array, s: State, layer: LayerWeights, units: number): State {
  const gates = add(add(vectorTimes(x, layer.input), vectorTimes(s.h, layer.recurrent)), layer.bias);
  const h = new Float32Array(units);
  const c = new Float32Array(units);
  for (let u = 0; u < units; u++) {
    const i = sigmoid(gates[u] as number);
    const f = sigmoid(gates[units + u] as number);
    const g = Math.tanh(gates[2 * units + u] as number);
    const o = sigmoid(gates[3 * units + u] as number);
    c[u] = f * (s.c[u] as number) + i * g;
    h[u] = o * Math.tanh(c[u] as number);
  }
  return { h, c };
}

/** Row vector × matrix (float32, as the other runtimes compute it). The inner loop runs along a weight row. */
function vectorTimes(v: Float32Array, m: Matrix): Float32Array {
  const out = new Float32Array(m.cols);
  const { data, cols } = m;
  for (let r = 0; r < m.rows; r++) {
    const value = v[r] as number;
    const row = r * cols;
    for (let c = 0; c < cols; c++) out[c] = (out[c] as number) + value * (data[row + c] as number);
  }
  return out;
}

function add(a: Float32Array, b: Float32Array): Float32Array {
  return a.map((v, i) => v + (b[i] as number));
}

function tanh(a: Float32Array): Float32Array {
  return a.map(Math.tanh);
}

function sigmoid(v: number): number {
  return 1 / (1 + Math.exp(-v));
}

function softmax(logits: Float32Array): Float32Array {
  const top = Math.max(...logits);
  const exps = logits.map((v) => Math.exp(v - top));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((v) => v / total);
}

function argMax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}
