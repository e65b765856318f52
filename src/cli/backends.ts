import type { Command } from 'commander';
import { probeBackends, selectBackend } from '../cascade/backend.js';
import { type BackendOptions, backendRequest, withBackendOption } from './backend-option.js';

/** `cxr backends`: which ML backends load here, and which one `auto` (or --backend / $CXR_BACKEND) picks. */
export function registerBackendsCommand(program: Command): void {
  withBackendOption(program.command('backends'))
    .description('List the ML backends and which one would be used')
    .option('--json', 'machine-readable output')
    .action(async (options: BackendOptions & { json?: boolean }) => {
      const rows = await probeBackends();
      const chosen = await selectBackend(backendRequest(options));
      if (options.json) {
        console.log(
          JSON.stringify({ chosen: chosen.choice, projectKernels: chosen.projectKernels, backends: rows }, null, 2),
        );
        return;
      }
      for (const row of rows)
        console.log(`${row.backend.padEnd(9)} ${row.available ? 'available' : `not available (${row.reason})`}`);
      console.log(
        `chosen: ${chosen.choice}${chosen.projectKernels.length > 0 ? ` (project kernels: ${chosen.projectKernels.join(', ')})` : ''}`,
      );
    });
}
