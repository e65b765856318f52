import { attr, OnnxGraph } from './graph.js';

export interface DecoderWeights {
  cell: 'gru' | 'lstm';
  units: number;
  /** Width of a word's input vector (word table width, or the vocabulary for one-hot words). */
  inputSize: number;
  embeddingSize: number;
  vocabularySize: number;
  layers: Array<{
    input: Float32Array;
    recurrent: Float32Array;
    bias: Float32Array;
    initKernel: Float32Array;
    initBias: Float32Array;
  }>;
  outKernel: Float32Array;
  outBias: Float32Array;
}

/**
 * The RNN decoder as two small ONNX graphs, so greedy decoding runs in ONNX Runtime like the CNNs: `init` maps the
 * CNN embedding to every layer's initial state (tanh of a projection); `step` takes a batch of word vectors and
 * the states and gives the next-word probabilities and the new states (the same GRU/LSTM arithmetic as RnnDecoder).
 * The word vectors (table rows or one-hot) are looked up by the caller.
 */
export function exportDecoder(weights: DecoderWeights): { init: Uint8Array; step: Uint8Array } {
  return { init: initGraph(weights), step: stepGraph(weights) };
}

function initGraph(w: DecoderWeights): Uint8Array {
  const g = new OnnxGraph();
  const outputs: string[] = [];
  w.layers.forEach((layer, l) => {
    const k = g.constant(`init${l}/W`, [w.embeddingSize, w.units], layer.initKernel);
    const b = g.constant(`init${l}/B`, [w.units], layer.initBias);
    g.node('MatMul', ['embedding', k], [`init${l}/xw`]);
    g.node('Add', [`init${l}/xw`, b], [`init${l}/pre`]);
    g.node('Tanh', [`init${l}/pre`], [`h${l}`]);
    outputs.push(`h${l}`);
  });
  return g.encode(
    'decoder-init',
    [['embedding', ['n', w.embeddingSize]]],
    outputs.map((name) => [name, ['n', w.units]]),
  );
}

function stepGraph(w: DecoderWeights): Uint8Array {
  const g = new OnnxGraph();
  const gates = w.cell === 'gru' ? 3 : 4;
  const split = g.int64(
    `split`,
    Array.from({ length: gates }, () => w.units),
  );
  let x = 'x';
  const inputs: Array<[string, number]> = [['x', w.inputSize]];
  const outputs: Array<[string, number]> = [['probabilities', w.vocabularySize]];
  w.layers.forEach((layer, l) => {
    const inSize = l === 0 ? w.inputSize : w.units;
    const win = g.constant(`l${l}/Win`, [inSize, gates * w.units], layer.input);
    const wrec = g.constant(`l${l}/Wrec`, [w.units, gates * w.units], layer.recurrent);
    const bias = g.constant(`l${l}/b`, [gates * w.units], layer.bias);
    const h = `h${l}`;
    inputs.push([h, w.units]);
    g.node('MatMul', [x, win], [`l${l}/xw`]);
    g.node('Add', [`l${l}/xw`, bias], [`l${l}/gx`]);
    g.node('MatMul', [h, wrec], [`l${l}/gh`]);
    if (w.cell === 'gru') {
      g.node('Split', [`l${l}/gx`, split], [`l${l}/xz`, `l${l}/xr`, `l${l}/xn`], [attr('axis', 1)]);
      g.node('Split', [`l${l}/gh`, split], [`l${l}/hz`, `l${l}/hr`, `l${l}/hn`], [attr('axis', 1)]);
      g.node('Add', [`l${l}/xz`, `l${l}/hz`], [`l${l}/z0`]);
      g.node('Sigmoid', [`l${l}/z0`], [`l${l}/z`]);
      g.node('Add', [`l${l}/xr`, `l${l}/hr`], [`l${l}/r0`]);
      g.node('Sigmoid', [`l${l}/r0`], [`l${l}/r`]);
      g.node('Mul', [`l${l}/r`, `l${l}/hn`], [`l${l}/rhn`]);
      g.node('Add', [`l${l}/xn`, `l${l}/rhn`], [`l${l}/n0`]);
      g.node('Tanh', [`l${l}/n0`], [`l${l}/n`]);
      // h' = (1 − z)·n + z·h = n + z·(h − n)
      g.node('Sub', [h, `l${l}/n`], [`l${l}/hmn`]);
      g.node('Mul', [`l${l}/z`, `l${l}/hmn`], [`l${l}/zh`]);
      g.node('Add', [`l${l}/n`, `l${l}/zh`], [`${h}/next`]);
    } else {
      const c = `c${l}`;
      inputs.push([c, w.units]);
      g.node('Add', [`l${l}/gx`, `l${l}/gh`], [`l${l}/gates`]);
      g.node('Split', [`l${l}/gates`, split], [`l${l}/i0`, `l${l}/f0`, `l${l}/g0`, `l${l}/o0`], [attr('axis', 1)]);
      g.node('Sigmoid', [`l${l}/i0`], [`l${l}/i`]);
      g.node('Sigmoid', [`l${l}/f0`], [`l${l}/f`]);
      g.node('Tanh', [`l${l}/g0`], [`l${l}/g`]);
      g.node('Sigmoid', [`l${l}/o0`], [`l${l}/o`]);
      g.node('Mul', [`l${l}/f`, c], [`l${l}/fc`]);
      g.node('Mul', [`l${l}/i`, `l${l}/g`], [`l${l}/ig`]);
      g.node('Add', [`l${l}/fc`, `l${l}/ig`], [`${c}/next`]);
      g.node('Tanh', [`${c}/next`], [`l${l}/tc`]);
      g.node('Mul', [`l${l}/o`, `l${l}/tc`], [`${h}/next`]);
      outputs.push([`${c}/next`, w.units]);
    }
    outputs.push([`${h}/next`, w.units]);
    x = `${h}/next`;
  });
  const wout = g.constant('out/W', [w.units, w.vocabularySize], w.outKernel);
  const bout = g.constant('out/b', [w.vocabularySize], w.outBias);
  g.node('MatMul', [x, wout], ['out/xw']);
  g.node('Add', ['out/xw', bout], ['out/logits']);
  g.node('Softmax', ['out/logits'], ['probabilities'], [attr('axis', 1)]);
  return g.encode(
    'decoder-step',
    inputs.map(([name, width]) => [name, ['n', width]]),
    outputs.map(([name, width]) => [name, ['n', width]]),
  );
}
