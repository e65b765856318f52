import { backend_util, type TensorInfo } from '@tensorflow/tfjs';
import { cxrError } from '../../errors.js';

export interface ConvGeometryAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  /** tfjs's gradient attrs have none (its Conv2D gradient refuses dilation); the project kernels accept it. */
  dilations?: number | [number, number];
}

/** The convolution's geometry for a gradient kernel; NHWC only, as wasm's own Conv2D. */
export function channelsLastConvInfo(
  kernelName: string,
  inputShape: number[],
  filterShape: number[],
  attrs: ConvGeometryAttrs,
): backend_util.Conv2DInfo {
  if (attrs.dataFormat === 'NCHW') {
    throw cxrError('KERNEL_UNSUPPORTED', `${kernelName}: only NHWC data is supported (as by the wasm Conv2D)`);
  }
  return backend_util.computeConv2DInfo(
    inputShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
}

export function assertShape(tensor: TensorInfo, expected: number[], name: string): void {
  if (tensor.shape.length !== expected.length || tensor.shape.some((size, axis) => size !== expected[axis])) {
    throw cxrError('KERNEL_UNSUPPORTED', `${name} has shape [${tensor.shape}], expected [${expected}]`, {
      actual: tensor.shape,
      expected,
    });
  }
}
