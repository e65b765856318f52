import type { backend_util, Conv2DBackpropFilterAttrs, KernelBackend, TensorInfo } from '@tensorflow/tfjs';
import { assertShape, channelsLastConvInfo } from './conv-geometry.js';
import { type KernelCalls, withKernelCalls } from './kernel-calls.js';
import { spatialWindow } from './spatial-window.js';

/** tfjs's own attrs have no dilations (its Conv2D gradient refuses them); ours accepts them for direct callers. */
export interface BackpropFilterInputs {
  x: TensorInfo;
  dy: TensorInfo;
}

export type BackpropFilterAttrs = Conv2DBackpropFilterAttrs & { dilations?: number | [number, number] };

/**
 * Conv2DBackpropFilter (the gradient of a 2-D convolution with respect to its filter) for backends that lack it.
 *
 * dW[kh,kw,ci,co] = Σ_{b,oh,ow} x[b, oh·sH + kh·dH − top, ow·sW + kw·dW − left, ci] · dy[b,oh,ow,co]
 *
 * is itself a convolution: batch ↔ channels swapped (x as [Ci, H, W, B]), dy as a [OH, OW, B, Co] filter, the
 * forward stride becoming the filter's dilation and the forward dilation the stride. Running it through the
 * backend's own Conv2D (XNNPACK on wasm) is what makes training fast; a per-tap matrix product covers the case
 * tfjs's Conv2D cannot take (strides and dilations both above 1).
 */
export function conv2dBackpropFilter(
  backend: KernelBackend,
  backendName: string,
  inputs: BackpropFilterInputs,
  attrs: BackpropFilterAttrs,
): TensorInfo {
  const { x, dy } = inputs;
  const info = channelsLastConvInfo('Conv2DBackpropFilter', x.shape, attrs.filterShape, attrs);
  assertShape(dy, [info.batchSize, info.outHeight, info.outWidth, info.outChannels], 'dy');
  return withKernelCalls(backend, backendName, (calls) => {
    const needRows = (info.outHeight - 1) * info.strideHeight + (info.filterHeight - 1) * info.dilationHeight + 1;
    const needCols = (info.outWidth - 1) * info.strideWidth + (info.filterWidth - 1) * info.dilationWidth + 1;
    const window = spatialWindow(
      calls,
      x,
      { start: -info.padInfo.top, length: needRows },
      { start: -info.padInfo.left, length: needCols },
    );
    const stridesAreOne = info.strideHeight === 1 && info.strideWidth === 1;
    const dilationsAreOne = info.dilationHeight === 1 && info.dilationWidth === 1;
    return stridesAreOne || dilationsAreOne
      ? viaConvolution(calls, window, dy, info)
      : viaTapProducts(calls, window, dy, info);
  });
}

function viaConvolution(
  calls: KernelCalls,
  window: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const input = calls.transpose(window, [3, 1, 2, 0]);
  const filter = calls.transpose(dy, [1, 2, 0, 3]);
  const product = calls.run(
    'Conv2D',
    { x: input, filter },
    {
      strides: [info.dilationHeight, info.dilationWidth],
      dilations: [info.strideHeight, info.strideWidth],
      pad: 'valid',
      dataFormat: 'NHWC',
    },
  );
  return calls.transpose(product, [1, 2, 0, 3]);
}

function viaTapProducts(
  calls: KernelCalls,
  window: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const rows = info.batchSize * info.outHeight * info.outWidth;
  const gradients = calls.reshape(dy, [1, rows, info.outChannels]);
  const taps: TensorInfo[] = [];
  for (let kh = 0; kh < info.filterHeight; kh++) {
    for (let kw = 0; kw < info.filterWidth; kw++) {
      const top = kh * info.dilationHeight;
      const left = kw * info.dilationWidth;
      const slice = calls.run(
        'StridedSlice',
        { x: window },
        {
          begin: [0, top, left, 0],
          end: [
            info.batchSize,
            top + (info.outHeight - 1) * info.strideHeight + 1,
            left + (info.outWidth - 1) * info.strideWidth + 1,
            info.inChannels,
          ],
          strides: [1, info.strideHeight, info.strideWidth, 1],
          beginMask: 0,
          endMask: 0,
          ellipsisMask: 0,
          newAxisMask: 0,
          shrinkAxisMask: 0,
        },
      );
      const columns = calls.reshape(slice, [1, rows, info.inChannels]);
      taps.push(calls.run('BatchMatMul', { a: columns, b: gradients }, { transposeA: true, transposeB: false }));
    }
  }
  const stacked = calls.run('Concat', taps as unknown as Record<string, TensorInfo>, { axis: 0 });
  return calls.reshape(stacked, [info.filterHeight, info.filterWidth, info.inChannels, info.outChannels]);
}
