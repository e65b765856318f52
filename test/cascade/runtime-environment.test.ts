import { describe, expect, it } from 'vitest';
import { onnxFromEnvironment, runtimeFromEnvironment } from '../../src/cascade/bundle/runtime-environment.js';

describe('runtime settings from the environment', () => {
  it('reads the values it knows', () => {
    expect(runtimeFromEnvironment({})).toBe('auto');
    expect(runtimeFromEnvironment({ CXR_RUNTIME: 'tfjs' })).toBe('tfjs');
    expect(onnxFromEnvironment({})).toEqual({});
    expect(onnxFromEnvironment({ CXR_ONNX_THREADS: '2', CXR_ONNX_PROVIDERS: 'cuda, cpu' })).toEqual({
      threads: 2,
      providers: ['cuda', 'cpu'],
    });
  });

  it('refuses a value it does not understand, naming the variable', () => {
    expect(() => runtimeFromEnvironment({ CXR_RUNTIME: 'onx' })).toThrow(/CXR_RUNTIME=onx .*auto, onnx, tfjs/);
    for (const env of [{ CXR_ONNX_THREADS: 'two' }, { CXR_ONNX_THREADS: '0' }, { CXR_ONNX_PROVIDERS: 'gpu' }]) {
      expect(() => onnxFromEnvironment(env)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    }
  });
});
