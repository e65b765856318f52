import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { BeamSearch } from './beam-search.js';

export const RnnOptions = z.object({
  cell: z.enum(['gru', 'lstm']).default('gru'),
  layers: z.number().int().min(1).max(4).default(2),
  units: z.number().int().min(4).max(2048).default(128),
  /** Words the decoder knows, the end token included. */
  vocabularySize: z.number().int().min(2),
  /** Size of the CNN embedding every layer's initial state is projected from. */
  embeddingSize: z.number().int().min(1),
  /** `learned`: a trained word embedding; `one-hot`: the paper's one-hot word input. */
  words: z.enum(['learned', 'one-hot']).default('learned'),
  wordDims: z.number().int().min(2).default(64),
  /**
   * How the CNN embedding becomes each layer's initial state: `learned` (a trained projection) or `pca` (the paper:
   * the embedding's top principal components, whitened, fixed during training).
   */
  init: z.enum(['learned', 'pca']).default('learned'),
  seed: z.number().int().default(1),
});
export type RnnOptions = z.input<typeof RnnOptions>;

type Options = z.output<typeof RnnOptions>;

interface Layer {
  input: tf.Variable; // [in, gates·U]
  recurrent: tf.Variable; // [U, gates·U]
  bias: tf.Variable; // [gates·U]
  initKernel: tf.Variable; // [E, U]: CNN embedding → initial state
  initBias: tf.Variable;
}

/** A decoded word sequence with the probability of each word after the first. */
export interface ScoredSequence {
  words: number[];
  probabilities: number[];
}

interface State {
  h: tf.Tensor2D;
  c?: tf.Tensor2D;
}

/**
 * The annotation decoder: a stacked GRU (or LSTM) whose every layer starts from the CNN embedding through a
 * learned projection; words in, next-word distribution out. Trained with teacher forcing; decoded greedily or by
 * beam search from the CNN's top class as the first word, as in the paper.
 */
export class RnnDecoder {
  readonly options: Options;
  private readonly layers: Layer[];
  private readonly wordTable: tf.Variable | undefined;
  private readonly outKernel: tf.Variable;
  private readonly outBias: tf.Variable;

  constructor(input: RnnOptions) {
    this.options = RnnOptions.parse(input);
    const o = this.options;
    const gates = o.cell === 'gru' ? 3 : 4;
    let seed = o.seed;
    // Scaled normal initialisation, seeded; variable names are left to tfjs, which keeps them unique.
    // Created inside tidy: a variable shares its initial tensor's buffer, which would otherwise outlive it.
    const weight = (shape: number[], _role: string) =>
      tf.tidy(() => tf.variable(tf.randomNormal(shape, 0, Math.sqrt(1 / (shape[0] as number)), 'float32', seed++)));
    const zeros = (shape: number[], _role: string) => tf.tidy(() => tf.variable(tf.zeros(shape)));
    this.wordTable = o.words === 'learned' ? weight([o.vocabularySize, o.wordDims], 'words') : undefined;
    const inputSize = o.words === 'learned' ? o.wordDims : o.vocabularySize;
    this.layers = Array.from({ length: o.layers }, (_, l) => ({
      input: weight([l === 0 ? inputSize : o.units, gates * o.units], `input${l}`),
      recurrent: weight([o.units, gates * o.units], `recurrent${l}`),
      bias: zeros([gates * o.units], `bias${l}`),
      initKernel: weight([o.embeddingSize, o.units], `init${l}`),
      initBias: zeros([o.units], `initBias${l}`),
    }));
    this.outKernel = weight([o.units, o.vocabularySize], 'out');
    this.outBias = zeros([o.vocabularySize], 'outBias');
  }

  /** What training updates: everything but a PCA initial projection, which stays as computed. */
  get trainableVariables(): tf.Variable[] {
    const fixed = new Set(this.options.init === 'pca' ? this.layers.flatMap((l) => [l.initKernel, l.initBias]) : []);
    return this.variables.filter((v) => !fixed.has(v));
  }

  /**
   * Sets every layer's initial projection to the embeddings' top `units` principal components, whitened (unit
   * variance per component), centred on their mean: the paper's PCA initialisation of the RNN state. Found by
   * orthogonal iteration on the covariance (a few matrix products; exact enough for an initial state).
   */
  setPcaInit(embeddings: tf.Tensor2D, iterations = 40): void {
    const units = this.options.units;
    const [kernel, bias] = tf.tidy(() => {
      const mean = embeddings.mean(0, true);
      const centred = embeddings.sub(mean);
      const covariance = centred
        .transpose()
        .matMul(centred)
        .div(Math.max(1, embeddings.shape[0] - 1)) as tf.Tensor2D;
      const dims = covariance.shape[0];
      const k = Math.min(units, dims);
      let basis = tf.randomNormal([dims, k], 0, 1, 'float32', this.options.seed) as tf.Tensor2D;
      for (let i = 0; i < iterations; i++) basis = tf.linalg.qr(covariance.matMul(basis))[0] as tf.Tensor2D;
      const variances = basis.mul(covariance.matMul(basis)).sum(0);
      // Directions with (next to) no variance are left out rather than blown up by whitening.
      const usable = variances.greater(variances.max().mul(1e-6));
      const scale = tf.where(usable, variances.maximum(1e-12).rsqrt(), tf.zerosLike(variances));
      let whitened = basis.mul(scale) as tf.Tensor2D;
      if (k < units)
        whitened = whitened.pad([
          [0, 0],
          [0, units - k],
        ]) as tf.Tensor2D;
      return [whitened, mean.matMul(whitened).neg().reshape([units])];
    });
    for (const layer of this.layers) {
      layer.initKernel.assign(kernel);
      layer.initBias.assign(bias);
    }
    tf.dispose([kernel, bias]);
  }

  get variables(): tf.Variable[] {
    return [
      ...(this.wordTable ? [this.wordTable] : []),
      ...this.layers.flatMap((l) => [l.input, l.recurrent, l.bias, l.initKernel, l.initBias]),
      this.outKernel,
      this.outBias,
    ];
  }

  /** Mean cross-entropy of the next word over the unmasked steps (teacher forcing). */
  loss(embeddings: tf.Tensor2D, inputs: tf.Tensor2D, targets: tf.Tensor2D, mask: tf.Tensor2D): tf.Scalar {
    return tf.tidy(() => {
      const { logits } = this.unroll(embeddings, inputs);
      const steps = inputs.shape[1];
      let total = tf.scalar(0);
      for (let t = 0; t < steps; t++) {
        const target = tf.oneHot(
          targets.slice([0, t], [-1, 1]).reshape([-1]) as tf.Tensor1D,
          this.options.vocabularySize,
        );
        const perExample = tf.losses.softmaxCrossEntropy(
          target,
          logits[t] as tf.Tensor2D,
          undefined,
          undefined,
          tf.Reduction.NONE,
        );
        total = total.add(perExample.mul(mask.slice([0, t], [-1, 1]).reshape([-1])).sum());
      }
      return total.div(mask.sum().maximum(1)) as tf.Scalar;
    });
  }

  /**
   * The top layer's hidden state at each step, [batch, steps, units]: with the ground-truth words as input, their
   * mean over the annotation's words is the image's joint image/text context vector.
   */
  topStates(embeddings: tf.Tensor2D, inputs: tf.Tensor2D): tf.Tensor3D {
    return tf.tidy(() => tf.stack(this.unroll(embeddings, inputs).tops, 1) as tf.Tensor3D);
  }

  /** Joint context: the mean of the top states over each image's unmasked steps, [batch, units]. */
  jointContext(embeddings: tf.Tensor2D, inputs: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const states = this.topStates(embeddings, inputs);
      const weights = mask.expandDims(2);
      return states.mul(weights).sum(1).div(mask.sum(1, true).maximum(1)) as tf.Tensor2D;
    });
  }

  /** Greedy decoding from each image's first word; stops at `endToken` or after `maxWords` words in all. */
  greedy(embeddings: tf.Tensor2D, firstWords: number[], endToken: number, maxWords: number): number[][] {
    return this.greedyScored(embeddings, firstWords, endToken, maxWords).map((decoded) => decoded.words);
  }

  /**
   * Greedy decoding with each chosen word's probability (the softmax at its step; the given first word has none),
   * and the probability of stopping where it stopped, so a reading's confidence can be told.
   */
  greedyScored(embeddings: tf.Tensor2D, firstWords: number[], endToken: number, maxWords: number): ScoredSequence[] {
    const decoded: ScoredSequence[] = firstWords.map((w) => ({ words: [w], probabilities: [] }));
    let state = this.initialState(embeddings);
    let words = firstWords;
    const done = firstWords.map((w) => w === endToken);
    for (let step = 1; step < maxWords && done.some((d) => !d); step++) {
      const [next, best] = tf.tidy(() => {
        const stepped = this.step(this.embedWords(tf.tensor1d(words, 'int32')), state);
        disposeState(state);
        state = keepState(stepped.state);
        const probabilities = tf.softmax(this.logits(stepped.top));
        return [Array.from(probabilities.argMax(1).dataSync()), Array.from(probabilities.max(1).dataSync())];
      });
      next.forEach((word, i) => {
        if (done[i]) return;
        const sequence = decoded[i] as ScoredSequence;
        if (word === endToken) done[i] = true;
        else {
          sequence.words.push(word);
          sequence.probabilities.push(best[i] as number);
        }
      });
      words = next;
    }
    disposeState(state);
    return decoded;
  }

  /**
   * Beam search of `width` hypotheses per image, all images' hypotheses stepped as one batch (see BeamSearch for
   * the ranking and the tie rule); each image's best sequence, scored as greedyScored scores it. Width 1 is
   * greedyScored exactly.
   */
  beamScored(
    embeddings: tf.Tensor2D,
    firstWords: number[],
    endToken: number,
    maxWords: number,
    width: number,
  ): ScoredSequence[] {
    const search = new BeamSearch(firstWords, endToken, maxWords, width, this.options.vocabularySize);
    let state = this.initialState(embeddings);
    while (!search.done) {
      const { parents, words } = search.rows();
      const probabilities = tf.tidy(() => {
        const rows = tf.tensor1d(parents, 'int32');
        const continued = state.map((s) =>
          s.c ? { h: s.h.gather(rows), c: s.c.gather(rows) } : { h: s.h.gather(rows) },
        );
        const stepped = this.step(this.embedWords(tf.tensor1d(words, 'int32')), continued);
        disposeState(state);
        state = keepState(stepped.state);
        return tf.softmax(this.logits(stepped.top));
      });
      search.advance(probabilities.dataSync());
      probabilities.dispose();
    }
    disposeState(state);
    return search.results();
  }

  /** Replaces every weight, in `variables` order (the order a bundle stores them in). */
  setWeights(values: tf.Tensor[]): void {
    this.variables.forEach((variable, i) => {
      variable.assign(values[i] as tf.Tensor);
    });
  }

  dispose(): void {
    tf.dispose(this.variables);
  }

  private unroll(embeddings: tf.Tensor2D, inputs: tf.Tensor2D): { logits: tf.Tensor2D[]; tops: tf.Tensor2D[] } {
    let state = this.initialState(embeddings);
    const logits: tf.Tensor2D[] = [];
    const tops: tf.Tensor2D[] = [];
    for (let t = 0; t < inputs.shape[1]; t++) {
      const stepped = this.step(this.embedWords(inputs.slice([0, t], [-1, 1]).reshape([-1]) as tf.Tensor1D), state);
      state = stepped.state;
      tops.push(stepped.top);
      logits.push(this.logits(stepped.top));
    }
    return { logits, tops };
  }

  private initialState(embeddings: tf.Tensor2D): State[] {
    return tf.tidy(() =>
      this.layers.map((layer) => {
        const h = tf.tanh(embeddings.matMul(layer.initKernel).add(layer.initBias)) as tf.Tensor2D;
        return this.options.cell === 'lstm' ? { h, c: tf.zerosLike(h) } : { h };
      }),
    ) as State[];
  }

  private embedWords(words: tf.Tensor1D): tf.Tensor2D {
    return this.wordTable === undefined
      ? (tf.oneHot(words, this.options.vocabularySize).toFloat() as tf.Tensor2D)
      : (tf.gather(this.wordTable, words) as tf.Tensor2D);
  }

  private step(x: tf.Tensor2D, state: State[]): { state: State[]; top: tf.Tensor2D } {
    const next: State[] = [];
    let input = x;
    this.layers.forEach((layer, l) => {
      const s = state[l] as State;
      const updated =
        this.options.cell === 'gru' ? gruCell(input, s, layer) : lstmCell(input, s, layer, this.options.units);
      next.push(updated);
      input = updated.h;
    });
    return { state: next, top: input };
  }

  private logits(top: tf.Tensor2D): tf.Tensor2D {
    return top.matMul(this.outKernel).add(this.outBias) as tf.Tensor2D;
  }
}

function gruCell(x: tf.Tensor2D, state: State, layer: Layer): State {
  const gx = x.matMul(layer.input).add(layer.bias);
  const gh = state.h.matMul(layer.recurrent);
  const [xz, xr, xn] = tf.split(gx, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  const [hz, hr, hn] = tf.split(gh, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  const z = tf.sigmoid(xz.add(hz));
  const r = tf.sigmoid(xr.add(hr));
  const n = tf.tanh(xn.add(r.mul(hn)));
  return { h: tf.sub(1, z).mul(n).add(z.mul(state.h)) as tf.Tensor2D };
}

function lstmCell(x: tf.Tensor2D, state: State, layer: Layer, units: number): State {
  const gates = x.matMul(layer.input).add(state.h.matMul(layer.recurrent)).add(layer.bias);
  const [i, f, g, o] = tf.split(gates, 4, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  const c = tf
    .sigmoid(f)
    .mul(state.c ?? tf.zeros([x.shape[0], units]))
    .add(tf.sigmoid(i).mul(tf.tanh(g))) as tf.Tensor2D;
  return { h: tf.sigmoid(o).mul(tf.tanh(c)) as tf.Tensor2D, c };
}

function keepState(state: State[]): State[] {
  for (const s of state) {
    tf.keep(s.h);
    if (s.c) tf.keep(s.c);
  }
  return state;
}

function disposeState(state: State[]): void {
  for (const s of state) tf.dispose(s.c ? [s.h, s.c] : [s.h]);
}
