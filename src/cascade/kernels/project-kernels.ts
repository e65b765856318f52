import {
  getKernel,
  type KernelBackend,
  type KernelFunc,
  registerKernel,
  type UnsortedSegmentSumAttrs,
  unregisterKernel,
} from '@tensorflow/tfjs';
import { type BackpropFilterAttrs, type BackpropFilterInputs, conv2dBackpropFilter } from './conv2d-backprop-filter.js';
import { type BackpropInputAttrs, type BackpropInputInputs, conv2dBackpropInput } from './conv2d-backprop-input.js';
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
 * UnsortedSegmentSum); the one exception, Conv2DBackpropInput on wasm, replaces a slow loop kernel with an
 * XNNPACK convolution (about 10× faster; `npm run bench:backends` measures both). The project uses no
 * depthwise convolutions, so their gradients are not provided.
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

/** Registers the project kernels a backend needs; idempotent. Returns the names registered for it. */
export function installProjectKernels(backendName: string): string[] {
  const already = installed.get(backendName);
  if (already !== undefined) return already;
  const names: string[] = [];
  for (const kernel of PROJECT_KERNELS) {
    const hasOwn = getKernel(kernel.kernelName, backendName) !== undefined;
    if (!kernel.wanted(backendName, hasOwn)) continue;
    if (hasOwn) unregisterKernel(kernel.kernelName, backendName);
    registerKernel({ kernelName: kernel.kernelName, backendName, kernelFunc: kernel.kernelFunc(backendName) });
    names.push(kernel.kernelName);
  }
  installed.set(backendName, names);
  return names;
}

/** The project kernel functions for `backendName`, unregistered, so tests can compare them with a backend's own. */
export function projectKernelFunc(kernelName: string, backendName: string): KernelFunc {
  const kernel = PROJECT_KERNELS.find((candidate) => candidate.kernelName === kernelName);
  if (kernel === undefined) throw new Error(`no project kernel named ${kernelName}`);
  return kernel.kernelFunc(backendName);
}
