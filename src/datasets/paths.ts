import { isAbsolute, relative, resolve } from 'node:path';
import { cxrError } from '../errors.js';

/**
 * Resolves `path` (relative to `root`) and refuses anything that lands outside `root`: `..`, absolute paths and
 * symlink-free tricks alike. Every path a dataset file or a client names goes through here.
 */
export function resolveInside(root: string, path: string): string {
  const base = resolve(root);
  const target = resolve(base, path);
  const within = relative(base, target);
  if (path.includes('\0') || within.startsWith('..') || isAbsolute(within)) {
    throw cxrError('PATH_OUTSIDE_DATASET', `'${path}' resolves outside the dataset folder ${base}`, {
      path,
      root: base,
    });
  }
  return target;
}
