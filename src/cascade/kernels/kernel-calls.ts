import {
  getKernel,
  type KernelBackend,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs';
import { cxrError } from '../../errors.js';

/**
 * Calls a backend's own kernels from inside a project kernel, below the engine: no tape, no engine bookkeeping,
 * only the backend's reference counts. Every output is an intermediate until `keep()` hands it to the caller;
 * `dispose()` releases the rest. This is how tfjs backends compose kernels themselves.
 */
export class KernelCalls {
  private readonly intermediates: TensorInfo[] = [];

  constructor(
    private readonly backend: KernelBackend,
    private readonly backendName: string,
  ) {}

  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const kernel = getKernel(kernelName, this.backendName);
    if (kernel === undefined) {
      throw cxrError('KERNEL_UNSUPPORTED', `backend '${this.backendName}' has no '${kernelName}' kernel`, {
        kernelName,
        backend: this.backendName,
      });
    }
    const output = kernel.kernelFunc({ inputs, backend: this.backend, attrs }) as TensorInfo;
    this.intermediates.push(output);
    return output;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  /** Removes `output` from the intermediates so that `dispose()` leaves it to the caller (the engine). */
  keep(output: TensorInfo): TensorInfo {
    const at = this.intermediates.indexOf(output);
    if (at >= 0) this.intermediates.splice(at, 1);
    return output;
  }

  dispose(): void {
    for (const info of this.intermediates) this.backend.disposeData(info.dataId);
    this.intermediates.length = 0;
  }
}

/** Runs `body` with a fresh `KernelCalls`, keeps what it returns and disposes every intermediate, even on error. */
export function withKernelCalls(
  backend: KernelBackend,
  backendName: string,
  body: (calls: KernelCalls) => TensorInfo,
): TensorInfo {
  const calls = new KernelCalls(backend, backendName);
  try {
    return calls.keep(body(calls));
  } finally {
    calls.dispose();
  }
}
