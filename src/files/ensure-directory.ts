import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { cxrError } from '../errors.js';

/**
 * Creates `path` and its missing parents, one level at a time. Node's `mkdir(…, { recursive: true })` never returns
 * under some pseudo file systems (`/proc/nope` loops forever on Linux), and its ENOTDIR / EACCES errors name no
 * option; this walks up to the nearest existing ancestor, checks it is a folder, then creates each level below it.
 * `option` names the flag the path came from, for the error.
 */
export async function ensureDirectory(path: string, option: string): Promise<void> {
  const missing: string[] = [];
  let at = resolve(path);
  for (;;) {
    const found = await stat(at).catch((error: NodeJS.ErrnoException) => {
      // ENOTDIR: a parent is a file; walking up finds it and says so.
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
      throw unusable(path, option, error);
    });
    if (found !== undefined) {
      if (!found.isDirectory())
        throw cxrError('INVALID_OPTION', `--${option} ${path}: ${at} is a file, not a folder`, { option });
      break;
    }
    missing.unshift(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const folder of missing) {
    await mkdir(folder).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw unusable(path, option, error);
    });
  }
}

function unusable(path: string, option: string, error: NodeJS.ErrnoException) {
  const why = error.code === 'EACCES' || error.code === 'EPERM' ? 'permission denied' : (error.code ?? error.message);
  return cxrError('INVALID_OPTION', `--${option} ${path}: cannot create this folder (${why})`, {
    option,
    reason: error.code,
  });
}
