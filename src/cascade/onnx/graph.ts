import type { onnx as OnnxTypes } from 'onnx-proto';
import onnxProto from 'onnx-proto';

// onnx-proto is CommonJS: its namespace comes through the default export under Node's ESM loader.
const { onnx } = onnxProto;
const OPSET = 13;

/** A tensor's shape in a graph's signature: a number, or a name for a dimension left open (the batch). */
export type Dims = Array<number | string>;

export function attr(name: string, value: number | number[] | string): OnnxTypes.IAttributeProto {
  if (typeof value === 'string') {
    return { name, type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode(value) };
  }
  if (Array.isArray(value)) return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: value };
  if (Number.isInteger(value)) return { name, type: onnx.AttributeProto.AttributeType.INT, i: value };
  return { name, type: onnx.AttributeProto.AttributeType.FLOAT, f: value };
}

/** An ONNX graph under construction (opset 13, float32): nodes, constant tensors, then one encoded model. */
export class OnnxGraph {
  private readonly nodes: OnnxTypes.INodeProto[] = [];
  private readonly initializers: OnnxTypes.ITensorProto[] = [];

  node(opType: string, input: string[], output: string[], attribute: OnnxTypes.IAttributeProto[] = []): void {
    this.nodes.push({ opType, input, output, attribute, name: `${output[0]}/${opType}` });
  }

  /** A float32 constant (copied, so a view into a larger buffer stores only its own values). */
  constant(name: string, dims: number[], values: Float32Array): string {
    const copy = Float32Array.from(values);
    this.initializers.push({
      name,
      dims,
      dataType: onnx.TensorProto.DataType.FLOAT,
      rawData: new Uint8Array(copy.buffer),
    });
    return name;
  }

  int64(name: string, values: number[]): string {
    const data = new BigInt64Array(values.map((v) => BigInt(v)));
    this.initializers.push({
      name,
      dims: [values.length],
      dataType: onnx.TensorProto.DataType.INT64,
      rawData: new Uint8Array(data.buffer),
    });
    return name;
  }

  encode(name: string, inputs: Array<[string, Dims]>, outputs: Array<[string, Dims]>): Uint8Array {
    const type = (dims: Dims) => ({
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    });
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'cxr-search',
      opsetImport: [{ domain: '', version: OPSET }],
      graph: {
        name,
        node: this.nodes,
        initializer: this.initializers,
        input: inputs.map(([input, dims]) => ({ name: input, type: type(dims) })),
        output: outputs.map(([output, dims]) => ({ name: output, type: type(dims) })),
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
