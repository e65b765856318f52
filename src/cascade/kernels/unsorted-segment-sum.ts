import {
  type DataType,
  type KernelBackend,
  type TensorInfo,
  type UnsortedSegmentSumAttrs,
  util,
} from '@tensorflow/tfjs';
import { cxrError } from '../../errors.js';
import { computeOnHost } from './host-compute.js';

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
  const dtype: DataType = x.dtype === 'int32' ? 'int32' : 'float32';
  return computeOnHost(backend, [x, segmentIds], { shape: [numSegments, ...rowShape], dtype }, ([values, ids], out) => {
    const sums = new Float64Array(out.length);
    for (let i = 0; i < (ids as ArrayLike<number>).length; i++) {
      const segment = (ids as ArrayLike<number>)[i] as number;
      if (segment < 0 || segment >= numSegments) continue;
      const from = i * rowSize;
      const to = segment * rowSize;
      for (let j = 0; j < rowSize; j++)
        sums[to + j] = (sums[to + j] as number) + ((values as ArrayLike<number>)[from + j] as number);
    }
    out.set(sums);
  });
}
