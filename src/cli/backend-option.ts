import type { Command } from 'commander';
import { type BackendRequest, resolveBackendRequest } from '../cascade/backend.js';

export interface BackendOptions {
  backend?: string;
}

/** Adds `--backend` to an ML command; `$CXR_BACKEND` applies when the flag is absent. */
export function withBackendOption(command: Command): Command {
  return command.option(
    '--backend <name>',
    'ML backend: auto, node-gpu, node, wasm or cpu (default: $CXR_BACKEND or auto)',
  );
}

export function backendRequest(options: BackendOptions): BackendRequest {
  return resolveBackendRequest(options.backend);
}
