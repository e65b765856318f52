import {
  getKernel,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type MaxPoolGradAttrs,
  registerKernel,
  type TensorInfo,
  type UnsortedSegmentSumAttrs,
  unregisterKernel,
} from '@tensorflow/tfjs';
import { type BackpropFilterAttrs, type BackpropFilterInputs, conv2dBackpropFilter } from './conv2d-backprop-filter.js';
import { type BackpropInputAttrs, type BackpropInputInputs, conv2dBackpropInput } from './conv2d-backprop-input.js';
import { type MaxPoolGradInputs, maxPoolGrad } from './max-pool-grad.js';
import { type SegmentSumInputs, unsortedSegmentSum } from './unsorted-segment-sum.js';

interface ProjectKernel {
  kernelName: string;
  /** Whether this backend gets the project kernel, given whether it has its own. */
  wanted(backendName: string, hasOwn: boolean): boolean;
  kernelFunc(backendName: string): KernelFunc;
}

const onlyWhereMissing = (_backend: string, hasOwn: boolean) => !hasOwn;

/**
 * The project's kernels. Gradients the backend lacks are added (wasm has neither Conv2DBackpropFilter nor
 * UnsortedSegmentSum); three of wasm's own are replaced: Conv2DBackpropInput (a loop kernel, ~1,330 ms where an
 * XNNPACK convolution takes ~137 at the reference CNN's first block), MaxPoolGrad (141–175 ms where an in-order host
 * pass takes 86–128; `npm run bench:backends` prints both) and Identity (below). The project uses no depthwise
 * convolutions, so their gradients are not provided.
 */
export const PROJECT_KERNELS: readonly ProjectKernel[] = [
  {
    kernelName: 'Conv2DBackpropFilter',
    wanted: onlyWhereMissing,
    kernelFunc: (backendName) => (args) =>
      conv2dBackpropFilter(
        args.backend as KernelBackend,
        backendName,
        args.inputs as unknown as BackpropFilterInputs,
        args.attrs as unknown as BackpropFilterAttrs,
      ),
  },
  {
    kernelName: 'Conv2DBackpropInput',
    wanted: (backend, hasOwn) => !hasOwn || backend === 'wasm',
    kernelFunc: (backendName) => (args) =>
      conv2dBackpropInput(
        args.backend as KernelBackend,
        backendName,
        args.inputs as unknown as BackpropInputInputs,
        args.attrs as unknown as BackpropInputAttrs,
      ),
  },
  {
    // The engine clones every tensor it saves for the backward pass; wasm's Identity copies the data, which
    // doubled a training step's memory (the 224² reference CNN ran out of wasm's 4 GB). Sharing the buffer with
    // a reference count is what the cpu backend and wasm's own Reshape do: tensors are immutable.
    kernelName: 'Identity',
    wanted: (backend) => backend === 'wasm',
    kernelFunc: (backendName) => (args) => {
      const { x } = args.inputs as { x: TensorInfo };
      if (x.dtype === 'string') return (replacedKernel('Identity', backendName) as KernelConfig).kernelFunc(args);
      (args.backend as KernelBackend).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  },
  {
    kernelName: 'MaxPoolGrad',
    wanted: (backend, hasOwn) => !hasOwn || backend === 'wasm',
    kernelFunc: () => (args) =>
      maxPoolGrad(
        args.backend as KernelBackend,
        args.inputs as unknown as MaxPoolGradInputs,
        args.attrs as unknown as MaxPoolGradAttrs,
      ),
  },
  {
    kernelName: 'UnsortedSegmentSum',
    wanted: onlyWhereMissing,
    kernelFunc: () => (args) =>
      unsortedSegmentSum(
        args.backend as KernelBackend,
        args.inputs as unknown as SegmentSumInputs,
        args.attrs as unknown as UnsortedSegmentSumAttrs,
      ),
  },
];

const installed = new Map<string, string[]>();
const replaced = new Map<string, KernelConfig>();

/** Registers the project kernels a backend needs; idempotent. Returns the names registered for it. */
export function installProjectKernels(backendName: string): string[] {
  const already = installed.get(backendName);
  if (already !== undefined) return already;
  const names: string[] = [];
  for (const kernel of PROJECT_KERNELS) {
    const hasOwn = getKernel(kernel.kernelName, backendName) !== undefined;
    if (!kernel.wanted(backendName, hasOwn)) continue;
    const own = getKernel(kernel.kernelName, backendName);
    if (own !== undefined) {
      replaced.set(`${backendName}/${kernel.kernelName}`, own);
      unregisterKernel(kernel.kernelName, backendName);
    }
    registerKernel({ kernelName: kernel.kernelName, backendName, kernelFunc: kernel.kernelFunc(backendName) });
    names.push(kernel.kernelName);
  }
  installed.set(backendName, names);
  return names;
}

/** The backend's own kernel that a project kernel replaced, if any (benchmarks compare the two). */
export function replacedKernel(kernelName: string, backendName: string): KernelConfig | undefined {
  return replaced.get(`${backendName}/${kernelName}`);
}
