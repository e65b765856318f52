import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveBackendRequest, selectBackend } from '../../src/cascade/backend.js';
import { isCxrError } from '../../src/errors.js';

const require = createRequire(import.meta.url);
function installed(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}
const nativeInstalled = installed('@tensorflow/tfjs-node') || installed('@tensorflow/tfjs-node-gpu');

describe('backend request', () => {
  it('takes the flag over the environment, the environment over auto', () => {
    expect(resolveBackendRequest('cpu', { CXR_BACKEND: 'wasm' })).toBe('cpu');
    expect(resolveBackendRequest(undefined, { CXR_BACKEND: ' WASM ' })).toBe('wasm');
    expect(resolveBackendRequest(undefined, {})).toBe('auto');
  });

  it('refuses an unknown name with BACKEND_UNKNOWN', () => {
    let caught: unknown;
    try {
      resolveBackendRequest('cuda', {});
    } catch (error) {
      caught = error;
    }
    expect(isCxrError(caught, 'BACKEND_UNKNOWN')).toBe(true);
    expect((caught as Error).message).toContain('node-gpu, node, wasm, cpu');
  });
});

describe('backend selection', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it.skipIf(nativeInstalled)(
    'an explicit native backend that is not installed is an error, not a silent fallback',
    async () => {
      await expect(selectBackend('node')).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
      await expect(selectBackend('node-gpu')).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
    },
  );

  it.skipIf(nativeInstalled)(
    'auto falls through the missing native backends to wasm and installs the missing gradients',
    async () => {
      const selected = await selectBackend('auto');
      expect(selected.choice).toBe('wasm');
      expect(tf.getBackend()).toBe('wasm');
      expect(selected.projectKernels).toEqual([
        'Conv2DBackpropFilter',
        'Conv2DBackpropInput',
        'Identity',
        'MaxPoolGrad',
        'UnsortedSegmentSum',
      ]);
      expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
      expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeDefined();
    },
  );

  it('cpu has every kernel of its own, so no project kernel is registered for it', async () => {
    const selected = await selectBackend('cpu');
    expect(selected.tfName).toBe('cpu');
    expect(selected.projectKernels).toEqual([]);
  });

  it('logs the chosen backend once, not on every selection of the same backend', async () => {
    const writes: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    await selectBackend('wasm');
    await selectBackend('wasm');
    await selectBackend('wasm');
    expect(writes.filter((line) => line.includes('ML backend: wasm'))).toHaveLength(1);
  });
});
