import { cxrError } from '../../errors.js';
import type { OnnxOptions } from '../onnx/onnx-annotator.js';

type Runtime = 'auto' | 'onnx' | 'tfjs';
const RUNTIMES: readonly Runtime[] = ['auto', 'onnx', 'tfjs'];
const PROVIDERS = ['cpu', 'cuda'] as const;

/**
 * The runtime settings a user gives by environment: `CXR_RUNTIME=auto|onnx|tfjs`, `CXR_ONNX_THREADS=N`,
 * `CXR_ONNX_PROVIDERS=cuda,cpu`. A value that is set but not understood is refused (INVALID_OPTION), as a bad
 * `CXR_BACKEND` is: silently ignoring `CXR_RUNTIME=onx` would run another runtime than the one asked for.
 */
export function runtimeFromEnvironment(env: NodeJS.ProcessEnv = process.env): Runtime {
  const value = env.CXR_RUNTIME?.trim();
  if (value === undefined || value === '') return 'auto';
  if ((RUNTIMES as readonly string[]).includes(value)) return value as Runtime;
  throw refused('CXR_RUNTIME', value, RUNTIMES.join(', '));
}

export function onnxFromEnvironment(env: NodeJS.ProcessEnv = process.env): OnnxOptions {
  const options: OnnxOptions = {};
  const threadsText = env.CXR_ONNX_THREADS?.trim();
  if (threadsText !== undefined && threadsText !== '') {
    const threads = Number(threadsText);
    if (!Number.isInteger(threads) || threads < 1 || threads > 256)
      throw refused('CXR_ONNX_THREADS', threadsText, 'an integer from 1 to 256');
    options.threads = threads;
  }
  const providersText = env.CXR_ONNX_PROVIDERS?.trim();
  if (providersText !== undefined && providersText !== '') {
    const providers = providersText.split(',').map((provider) => provider.trim());
    const unknown = providers.filter((provider) => !(PROVIDERS as readonly string[]).includes(provider));
    if (unknown.length > 0) throw refused('CXR_ONNX_PROVIDERS', providersText, `a list of ${PROVIDERS.join(', ')}`);
    options.providers = providers as (typeof PROVIDERS)[number][];
  }
  return options;
}

function refused(variable: string, value: string, expected: string) {
  return cxrError('INVALID_OPTION', `${variable}=${value} is not understood: expected ${expected}`, {
    option: variable,
    value,
  });
}
