import * as tf from '@tensorflow/tfjs';
import { cxrError } from '../errors.js';
import { log } from '../log.js';
import { installProjectGradients } from './gradients/project-gradients.js';
import { installProjectKernels } from './kernels/project-kernels.js';

/** The backends in the order `auto` tries them. */
export const BACKEND_CHOICES = ['node-gpu', 'node', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
export type BackendRequest = BackendChoice | 'auto';

/** The environment variable that picks a backend when no `--backend` flag is given. */
export const BACKEND_ENV = 'CXR_BACKEND';

interface BackendLoader {
  /** The name tfjs registers the backend under. */
  tfName: string;
  /** Imports whatever registers the backend; throws when it is not installed. */
  load(): Promise<unknown>;
}

// The native packages are optional: their installers download libtensorflow, which fails without that host,
// so they are imported by a name TypeScript does not resolve and only where a user installed them.
const importOptional = (name: string) => import(name);

const LOADERS: Record<BackendChoice, BackendLoader> = {
  'node-gpu': { tfName: 'tensorflow', load: () => importOptional('@tensorflow/tfjs-node-gpu') },
  node: { tfName: 'tensorflow', load: () => importOptional('@tensorflow/tfjs-node') },
  wasm: { tfName: 'wasm', load: () => import('@tensorflow/tfjs-backend-wasm') },
  cpu: { tfName: 'cpu', load: async () => undefined },
};

export interface SelectedBackend {
  choice: BackendChoice;
  tfName: string;
  projectKernels: string[];
}

let selected: SelectedBackend | undefined;

/** Resolves the request from a flag value, then `CXR_BACKEND`, then `auto`; rejects unknown names with a code. */
export function resolveBackendRequest(flag?: string, env: NodeJS.ProcessEnv = process.env): BackendRequest {
  const raw = (flag ?? env[BACKEND_ENV] ?? 'auto').trim().toLowerCase();
  if (raw === 'auto' || (BACKEND_CHOICES as readonly string[]).includes(raw)) return raw as BackendRequest;
  throw cxrError('BACKEND_UNKNOWN', `unknown backend '${raw}'; choose one of auto, ${BACKEND_CHOICES.join(', ')}`, {
    backend: raw,
  });
}

/**
 * Makes `request` the active tfjs backend (first one that loads, for `auto`), installs the project kernels it
 * needs and logs the choice once per process. An explicit choice that cannot load is an error, never a silent
 * fallback: a user who asked for the GPU must know they did not get it.
 */
export async function selectBackend(request: BackendRequest = resolveBackendRequest()): Promise<SelectedBackend> {
  const candidates = request === 'auto' ? BACKEND_CHOICES : [request];
  const failures: string[] = [];
  for (const choice of candidates) {
    const reason = await tryActivate(choice);
    if (reason === undefined) return remember(choice);
    failures.push(`${choice}: ${reason}`);
    log.debug(`backend ${choice} unavailable (${reason})`);
  }
  throw cxrError('BACKEND_UNAVAILABLE', `no usable backend for '${request}' (${failures.join('; ')})`, { failures });
}

async function tryActivate(choice: BackendChoice): Promise<string | undefined> {
  const loader = LOADERS[choice];
  try {
    await loader.load();
    if (!(await tf.setBackend(loader.tfName))) return 'tfjs could not initialise it';
    await tf.ready();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0] : String(error);
  }
}

function remember(choice: BackendChoice): SelectedBackend {
  const tfName = LOADERS[choice].tfName;
  const projectKernels = installProjectKernels(tfName);
  installProjectGradients();
  const next = { choice, tfName, projectKernels };
  if (selected?.choice !== choice) {
    const extra = projectKernels.length > 0 ? ` with project kernels ${projectKernels.join(', ')}` : '';
    log.info(`ML backend: ${choice}${extra}`);
  }
  selected = next;
  return next;
}

/** Which backends could load here, without activating any (for `cxr backends`). */
export async function probeBackends(): Promise<Array<{ backend: BackendChoice; available: boolean; reason?: string }>> {
  const rows: Array<{ backend: BackendChoice; available: boolean; reason?: string }> = [];
  for (const backend of BACKEND_CHOICES) {
    try {
      await LOADERS[backend].load();
      const registered = tf.findBackendFactory(LOADERS[backend].tfName) !== null;
      rows.push(registered ? { backend, available: true } : { backend, available: false, reason: 'not registered' });
    } catch (error) {
      rows.push({
        backend,
        available: false,
        reason: error instanceof Error ? error.message.split('\n')[0] : String(error),
      });
    }
  }
  return rows;
}
