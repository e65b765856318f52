import { type backend_util, type DataType, type KernelBackend, type TensorInfo, util } from '@tensorflow/tfjs';

type TypedArray = backend_util.TypedArray;

/** What the wasm backend offers beyond `KernelBackend`: outputs allocated in, and views of, its heap. */
interface HeapBackend {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): TypedArray;
}

function isHeapBackend(backend: KernelBackend): backend is KernelBackend & HeapBackend {
  const candidate = backend as Partial<HeapBackend>;
  return typeof candidate.makeOutput === 'function' && typeof candidate.typedArrayFromHeap === 'function';
}

/**
 * Runs a host-side kernel body over the inputs' values and a zero-filled output. On wasm both are views of the
 * module's heap (no copies: for the reference CNN's first pooling layer the copies alone cost more than the loop);
 * elsewhere the values are read and the result written back.
 */
export function computeOnHost(
  backend: KernelBackend,
  inputs: TensorInfo[],
  output: { shape: number[]; dtype: DataType },
  body: (values: TypedArray[], out: TypedArray) => void,
): TensorInfo {
  if (isHeapBackend(backend)) {
    // Allocate first: growing the heap detaches every view taken before.
    const result = backend.makeOutput(output.shape, output.dtype);
    const out = backend.typedArrayFromHeap(result);
    out.fill(0);
    body(
      inputs.map((input) => backend.typedArrayFromHeap(input)),
      out,
    );
    return result;
  }
  const out = util.getTypedArrayFromDType(output.dtype as 'float32', util.sizeFromShape(output.shape));
  body(
    inputs.map((input) => backend.readSync(input.dataId) as TypedArray),
    out,
  );
  return { dataId: backend.write(out, output.shape, output.dtype), shape: output.shape, dtype: output.dtype };
}
