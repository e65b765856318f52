import type * as Ort from 'onnxruntime-node';
import { BeamSearch } from '../models/beam-search.js';
import type { ScoredSequence } from '../models/rnn.js';
import { type BundleDecoderWeights, readDecoderWeights } from './decoder-weights.js';
import { exportDecoder } from './export-decoder.js';

/**
 * Greedy and beam decoding in ONNX Runtime: the decoder's weights (the bundle's `rnn.bin`) become two small graphs
 * at load time (`init`: embedding → states; `step`: word vectors + states → next-word probabilities + states), and
 * each step runs for the whole batch at once. Same contract and results as RnnDecoder's greedyScored and
 * beamScored.
 */
export class OnnxDecoder {
  private constructor(
    private readonly weights: BundleDecoderWeights,
    private readonly init: Ort.InferenceSession,
    private readonly step: Ort.InferenceSession,
    private readonly ort: typeof Ort,
  ) {}

  static async fromBundle(
    ort: typeof Ort,
    dir: string,
    options: Ort.InferenceSession.SessionOptions,
  ): Promise<OnnxDecoder> {
    const weights = readDecoderWeights(dir);
    const o = weights.options;
    const graphs = exportDecoder({
      cell: o.cell,
      units: o.units,
      inputSize: weights.wordTable?.cols ?? o.vocabularySize,
      embeddingSize: weights.layers[0]?.initKernel.rows ?? 0,
      vocabularySize: o.vocabularySize,
      layers: weights.layers.map((l) => ({
        input: l.input.data,
        recurrent: l.recurrent.data,
        bias: l.bias,
        initKernel: l.initKernel.data,
        initBias: l.initBias,
      })),
      outKernel: weights.outKernel.data,
      outBias: weights.outBias,
    });
    const init = await ort.InferenceSession.create(graphs.init, options);
    const step = await ort.InferenceSession.create(graphs.step, options);
    return new OnnxDecoder(weights, init, step, ort);
  }

  async greedyScored(
    embeddings: Float32Array[],
    firstWords: number[],
    endToken: number,
    maxWords: number,
  ): Promise<ScoredSequence[]> {
    const { layers, cell, vocabularySize } = this.weights.options;
    const decoded: ScoredSequence[] = firstWords.map((w) => ({ words: [w], probabilities: [] }));
    if (embeddings.length === 0) return decoded;
    const state = await this.initialState(embeddings);
    const done = firstWords.map((w) => w === endToken);
    let words = firstWords;
    for (let t = 1; t < maxWords && done.some((d) => !d); t++) {
      const out = await this.step.run({ x: this.wordVectors(words), ...state });
      for (let l = 0; l < layers; l++) {
        state[`h${l}`] = out[`h${l}/next`] as Ort.Tensor;
        if (cell === 'lstm') state[`c${l}`] = out[`c${l}/next`] as Ort.Tensor;
      }
      const probabilities = out.probabilities?.data as Float32Array;
      words = words.map((_, i) => {
        const row = probabilities.subarray(i * vocabularySize, (i + 1) * vocabularySize);
        let best = 0;
        for (let v = 1; v < vocabularySize; v++) if ((row[v] as number) > (row[best] as number)) best = v;
        if (!done[i]) {
          if (best === endToken) done[i] = true;
          else {
            (decoded[i] as ScoredSequence).words.push(best);
            (decoded[i] as ScoredSequence).probabilities.push(row[best] as number);
          }
        }
        return best;
      });
    }
    return decoded;
  }

  /**
   * Beam search of `width` hypotheses per image, every image's hypotheses one batch per step: the same BeamSearch
   * (ranking, ties, stopping) as RnnDecoder.beamScored, so the same sequences. Width 1 is greedyScored exactly.
   */
  async beamScored(
    embeddings: Float32Array[],
    firstWords: number[],
    endToken: number,
    maxWords: number,
    width: number,
  ): Promise<ScoredSequence[]> {
    const search = new BeamSearch(firstWords, endToken, maxWords, width, this.weights.options.vocabularySize);
    if (embeddings.length === 0) return search.results();
    let state = await this.initialState(embeddings);
    while (!search.done) {
      const { parents, words } = search.rows();
      const continued = Object.fromEntries(
        Object.entries(state).map(([name, tensor]) => [name, this.gatherRows(tensor, parents)]),
      );
      const out = await this.step.run({ x: this.wordVectors(words), ...continued });
      state = Object.fromEntries(Object.keys(state).map((name) => [name, out[`${name}/next`] as Ort.Tensor]));
      search.advance(out.probabilities?.data as Float32Array);
    }
    return search.results();
  }

  release(): void {
    void this.init.release();
    void this.step.release();
  }

  /** Every layer's initial state for a batch of embeddings: `h0`, `h1`, … (and zero `c0`, … for an LSTM). */
  private async initialState(embeddings: Float32Array[]): Promise<Record<string, Ort.Tensor>> {
    const { units, layers, cell } = this.weights.options;
    const n = embeddings.length;
    const width = embeddings[0]?.length ?? 0;
    const stacked = new Float32Array(n * width);
    for (const [i, e] of embeddings.entries()) stacked.set(e, i * width);
    const initial = await this.init.run({ embedding: new this.ort.Tensor('float32', stacked, [n, width]) });
    const state: Record<string, Ort.Tensor> = {};
    for (let l = 0; l < layers; l++) {
      state[`h${l}`] = initial[`h${l}`] as Ort.Tensor;
      if (cell === 'lstm') state[`c${l}`] = new this.ort.Tensor('float32', new Float32Array(n * units), [n, units]);
    }
    return state;
  }

  /** The given rows of a [rows, units] state, in that order (a row may repeat: hypotheses sharing a parent). */
  private gatherRows(tensor: Ort.Tensor, rows: number[]): Ort.Tensor {
    const units = tensor.dims[1] as number;
    const data = tensor.data as Float32Array;
    const gathered = new Float32Array(rows.length * units);
    rows.forEach((row, i) => {
      gathered.set(data.subarray(row * units, (row + 1) * units), i * units);
    });
    return new this.ort.Tensor('float32', gathered, [rows.length, units]);
  }

  /** Each word's input vector: its row of the word table, or one-hot. */
  private wordVectors(words: number[]): Ort.Tensor {
    const table = this.weights.wordTable;
    const width = table?.cols ?? this.weights.options.vocabularySize;
    const x = new Float32Array(words.length * width);
    words.forEach((word, i) => {
      if (table === undefined) x[i * width + word] = 1;
      else x.set(table.data.subarray(word * width, (word + 1) * width), i * width);
    });
    return new this.ort.Tensor('float32', x, [words.length, width]);
  }
}
