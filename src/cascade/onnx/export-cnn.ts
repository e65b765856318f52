import type * as tf from '@tensorflow/tfjs';
import { cxrError } from '../../errors.js';
import { attr, OnnxGraph } from './graph.js';

/** The graph's names: what the ONNX annotator feeds and reads. */
export const ONNX_INPUT = 'image';
export const ONNX_PROBABILITIES = 'out:probabilities'; // ':' never appears in a tfjs layer name
export const ONNX_EMBEDDING = 'out:embedding';
/** Present only in CNNs with a per-finding head. */
export const ONNX_FINDINGS = 'out:findings';

type Layer = tf.layers.Layer;
type Shape = Array<number | null>;

/**
 * One of the project's CNNs as an ONNX model (opset 13, NCHW): input `image` [n, 1, s, s] (grey, centred as for
 * training), outputs `probabilities` [n, classes], `embedding` [n, e] (the layer search indexes) and, when the
 * network has a per-finding head (its second output), `findings` [n, f]. Every layer
 * type the CNNs use is translated; batch normalisation is folded into the convolution before it. TensorFlow's
 * `same` padding becomes explicit pads, and the region pooling's flatten keeps TensorFlow's (h, w, c) order.
 */
export function exportCnnToOnnx(classifier: tf.LayersModel, embeddingLayer: string): Uint8Array {
  const graph = new CnnGraph();
  const folded = foldableBatchNorms(classifier.layers);
  for (const layer of classifier.layers) {
    const inputs = inputNames(layer);
    const className = layer.getClassName();
    switch (className) {
      case 'InputLayer': {
        const [, height, width, channels] = layer.outputShape as Shape;
        graph.input(layer.name, [channels as number, height as number, width as number]);
        break;
      }
      case 'Conv2D':
        graph.conv(layer, inputs[0] as string, folded.get(layer.name));
        break;
      case 'CxrBatchNorm':
      case 'BatchNormalization':
        // Folded into its convolution (which writes this layer's name) unless it follows something else.
        if (!folded.has(inputs[0] as string)) graph.batchNorm(layer, inputs[0] as string);
        break;
      case 'ReLU':
        graph.node('Relu', inputs, [layer.name]);
        break;
      case 'Activation':
        graph.activation(activationOf(layer), inputs[0] as string, layer.name);
        break;
      case 'MaxPooling2D':
      case 'AveragePooling2D':
        graph.pool(layer, inputs[0] as string, className === 'MaxPooling2D' ? 'MaxPool' : 'AveragePool');
        break;
      case 'GlobalAveragePooling2D':
        graph.node('GlobalAveragePool', inputs, [`${layer.name}/nchw`]);
        graph.node('Flatten', [`${layer.name}/nchw`], [layer.name], [attr('axis', 1)]);
        break;
      case 'Flatten':
        // TensorFlow flattens NHWC: transpose back before flattening so the values come in the same order.
        graph.node('Transpose', inputs, [`${layer.name}/nhwc`], [attr('perm', [0, 2, 3, 1])]);
        graph.node('Flatten', [`${layer.name}/nhwc`], [layer.name], [attr('axis', 1)]);
        break;
      case 'Concatenate':
        graph.node('Concat', inputs, [layer.name], [attr('axis', 1)]);
        break;
      case 'Dropout':
      case 'CxrSeededDropout':
        graph.node('Identity', inputs, [layer.name]);
        break;
      case 'Dense':
        graph.dense(layer, inputs[0] as string);
        break;
      default:
        throw cxrError('INTERNAL', `ONNX export: layer type ${className} (${layer.name}) is not supported`);
    }
  }
  const output = classifier.outputs[0]?.sourceLayer.name as string;
  graph.node('Identity', [output], [ONNX_PROBABILITIES]);
  graph.node('Identity', [embeddingLayer], [ONNX_EMBEDDING]);
  const findings = classifier.outputs[1];
  if (findings !== undefined) graph.node('Identity', [findings.sourceLayer.name], [ONNX_FINDINGS]);
  return graph.encodeCnn(
    outputWidth(classifier.outputs[0]?.shape),
    outputWidth(classifier.getLayer(embeddingLayer).outputShape as Shape),
    findings === undefined ? undefined : outputWidth(findings.shape),
  );
}

/** Batch norms whose input is a convolution used by nothing else: folded into it (conv name → norm layer). */
function foldableBatchNorms(layers: Layer[]): Map<string, Layer> {
  const consumers = new Map<string, number>();
  for (const layer of layers)
    for (const input of inputNames(layer)) consumers.set(input, (consumers.get(input) ?? 0) + 1);
  const byName = new Map(layers.map((l) => [l.name, l]));
  const folded = new Map<string, Layer>();
  for (const layer of layers) {
    if (!['CxrBatchNorm', 'BatchNormalization'].includes(layer.getClassName())) continue;
    const [input] = inputNames(layer);
    if (byName.get(input as string)?.getClassName() === 'Conv2D' && consumers.get(input as string) === 1) {
      folded.set(input as string, layer);
    }
  }
  return folded;
}

function inputNames(layer: Layer): string[] {
  const node = layer.inboundNodes[0];
  const names = (node?.inboundLayers ?? []).map((l) => l.name);
  return names;
}

function outputWidth(shape: Shape | undefined): number {
  return shape?.at(-1) ?? 0;
}

function activationOf(layer: Layer): string {
  return String((layer.getConfig() as { activation?: string }).activation ?? 'linear');
}

/** TensorFlow `same` padding made explicit: [top, left, bottom, right]. */
function samePads(inputShape: Shape, kernel: number[], strides: number[]): number[] {
  const [, height, width] = inputShape as number[];
  const pad = (size: number, k: number, s: number) => {
    const total = Math.max((Math.ceil(size / s) - 1) * s + k - size, 0);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  };
  const [top, bottom] = pad(height as number, kernel[0] as number, strides[0] as number);
  const [left, right] = pad(width as number, kernel[1] as number, strides[1] as number);
  return [top as number, left as number, bottom as number, right as number];
}

function weightsOf(layer: Layer): Map<string, Float32Array> {
  return new Map(
    layer.weights.map((w) => {
      const name = w.originalName.split('/').at(-1) as string;
      return [name, w.read().dataSync() as Float32Array];
    }),
  );
}

/** The CNN's graph: one method per layer type, over the shared graph builder. */
class CnnGraph extends OnnxGraph {
  private inputName = '';
  private inputShape: number[] = [];

  input(name: string, chw: number[]): void {
    this.inputName = name;
    this.inputShape = chw;
  }

  conv(layer: Layer, input: string, norm: Layer | undefined): void {
    const config = layer.getConfig() as { kernelSize: number[]; strides: number[]; padding: string; useBias: boolean };
    const weights = weightsOf(layer);
    const kernel = weights.get('kernel') as Float32Array;
    const [kh, kw] = config.kernelSize as [number, number];
    const out = (layer.outputShape as Shape).at(-1) as number;
    const channels = kernel.length / (kh * kw * out);
    const bias = weights.get('bias') ?? new Float32Array(out);
    const { scale, shift } =
      norm === undefined ? { scale: new Float32Array(out).fill(1), shift: bias } : foldNorm(norm, bias);
    // [kh, kw, in, out] → [out, in, kh, kw], each output channel scaled by its batch norm.
    const w = new Float32Array(kernel.length);
    for (let y = 0; y < kh; y++)
      for (let x = 0; x < kw; x++)
        for (let c = 0; c < channels; c++)
          for (let o = 0; o < out; o++) {
            w[((o * channels + c) * kh + y) * kw + x] =
              (kernel[((y * kw + x) * channels + c) * out + o] as number) * (scale[o] as number);
          }
    const inputShape = (layer.inboundNodes[0]?.inboundLayers[0]?.outputShape ?? []) as Shape;
    const pads =
      config.padding === 'same' ? samePads(inputShape.slice(0) as Shape, [kh, kw], config.strides) : [0, 0, 0, 0];
    this.node(
      'Conv',
      [
        input,
        this.constant(`${layer.name}/W`, [out, channels, kh, kw], w),
        this.constant(`${layer.name}/B`, [out], shift),
      ],
      [norm?.name ?? layer.name], // a folded batch norm's consumers keep reading its name
      [attr('kernel_shape', [kh, kw]), attr('strides', config.strides), attr('pads', pads)],
    );
  }

  batchNorm(layer: Layer, input: string): void {
    const w = weightsOf(layer);
    const channels = (w.get('gamma') as Float32Array).length;
    const epsilon = (layer.getConfig() as { epsilon: number }).epsilon;
    this.node(
      'BatchNormalization',
      [
        input,
        this.constant(`${layer.name}/scale`, [channels], w.get('gamma') as Float32Array),
        this.constant(`${layer.name}/B`, [channels], w.get('beta') as Float32Array),
        this.constant(`${layer.name}/mean`, [channels], w.get('moving_mean') as Float32Array),
        this.constant(`${layer.name}/var`, [channels], w.get('moving_variance') as Float32Array),
      ],
      [layer.name],
      [attr('epsilon', epsilon)],
    );
  }

  pool(layer: Layer, input: string, op: 'MaxPool' | 'AveragePool'): void {
    const config = layer.getConfig() as { poolSize: number[]; strides: number[]; padding: string };
    const inputShape = (layer.inboundNodes[0]?.inboundLayers[0]?.outputShape ?? []) as Shape;
    const pads = config.padding === 'same' ? samePads(inputShape, config.poolSize, config.strides) : [0, 0, 0, 0];
    // TensorFlow's average pooling leaves padding out of the mean: count_include_pad 0 (ONNX's default, stated).
    const extra = op === 'AveragePool' ? [attr('count_include_pad', 0)] : [];
    this.node(
      op,
      [input],
      [layer.name],
      [attr('kernel_shape', config.poolSize), attr('strides', config.strides), attr('pads', pads), ...extra],
    );
  }

  activation(kind: string, input: string, output: string): void {
    const ops: Record<string, string> = {
      relu: 'Relu',
      softmax: 'Softmax',
      sigmoid: 'Sigmoid',
      tanh: 'Tanh',
      linear: 'Identity',
    };
    const op = ops[kind];
    if (op === undefined) throw cxrError('INTERNAL', `ONNX export: activation ${kind} is not supported`);
    this.node(op, [input], [output], op === 'Softmax' ? [attr('axis', 1)] : []);
  }

  dense(layer: Layer, input: string): void {
    const w = weightsOf(layer);
    const kernel = w.get('kernel') as Float32Array;
    const units = (layer.outputShape as Shape).at(-1) as number;
    const bias = w.get('bias') ?? new Float32Array(units);
    const linear = `${layer.name}/linear`;
    this.node(
      'Gemm',
      [
        input,
        this.constant(`${layer.name}/W`, [kernel.length / units, units], kernel),
        this.constant(`${layer.name}/B`, [units], bias),
      ],
      [linear],
    );
    this.activation(activationOf(layer), linear, layer.name);
  }

  encodeCnn(classes: number, embedding: number, findings?: number): Uint8Array {
    return this.encode(
      'cnn',
      [[this.inputName, ['n', ...this.inputShape]]],
      [
        [ONNX_PROBABILITIES, ['n', classes]],
        [ONNX_EMBEDDING, ['n', embedding]],
        ...(findings === undefined ? [] : [[ONNX_FINDINGS, ['n', findings]] as [string, Array<string | number>]]),
      ],
    );
  }
}

function foldNorm(norm: Layer, convBias: Float32Array): { scale: Float32Array; shift: Float32Array } {
  const w = weightsOf(norm);
  const gamma = w.get('gamma') as Float32Array;
  const beta = w.get('beta') as Float32Array;
  const mean = w.get('moving_mean') as Float32Array;
  const variance = w.get('moving_variance') as Float32Array;
  const epsilon = (norm.getConfig() as { epsilon: number }).epsilon;
  const scale = gamma.map((g, c) => g / Math.sqrt((variance[c] as number) + epsilon));
  const shift = beta.map((b, c) => b + ((convBias[c] as number) - (mean[c] as number)) * (scale[c] as number));
  return { scale, shift };
}
