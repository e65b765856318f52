import {
  type DataType,
  type KernelBackend,
  type TensorInfo,
  type UnsortedSegmentSumAttrs,
  util,
} from '@tensorflow/tfjs';
import { cxrError } from '../../errors.js';

export interface SegmentSumInputs {
  x: TensorInfo;
  segmentIds: TensorInfo;
}

/**
 * UnsortedSegmentSum (the gradient of gather, so of every embedding layer) for backends that lack it:
 * out[s, …] = Σ_{i: ids[i] = s} x[i, …]. One pass over the data on the host, summed in float64 and rounded
 * once, so it is exact where the cpu kernel accumulates float32. Ids outside [0, numSegments) are dropped,
 * as TensorFlow does.
 */
export function unsortedSegmentSum(
  backend: KernelBackend,
  inputs: SegmentSumInputs,
  attrs: UnsortedSegmentSumAttrs,
): TensorInfo {
  const { x, segmentIds } = inputs;
  const { numSegments } = attrs;
  const idRank = segmentIds.shape.length;
  if (!x.shape.slice(0, idRank).every((size, axis) => size === segmentIds.shape[axis])) {
    throw cxrError(
      'KERNEL_UNSUPPORTED',
      `segmentIds shape [${segmentIds.shape}] is not a prefix of x shape [${x.shape}]`,
    );
  }
  const rowShape = x.shape.slice(idRank);
  const rowSize = util.sizeFromShape(rowShape);
  const values = backend.readSync(x.dataId) as ArrayLike<number>;
  const ids = backend.readSync(segmentIds.dataId) as ArrayLike<number>;
  const sums = new Float64Array(numSegments * rowSize);
  for (let i = 0; i < ids.length; i++) {
    const segment = ids[i] as number;
    if (segment < 0 || segment >= numSegments) continue;
    const from = i * rowSize;
    const to = segment * rowSize;
    for (let j = 0; j < rowSize; j++) sums[to + j] = (sums[to + j] as number) + (values[from + j] as number);
  }
  const dtype: DataType = x.dtype === 'int32' ? 'int32' : 'float32';
  const out = dtype === 'int32' ? Int32Array.from(sums) : Float32Array.from(sums);
  const shape = [numSegments, ...rowShape];
  return { dataId: backend.write(out, shape, dtype), shape, dtype };
}
