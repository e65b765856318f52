import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { cxrError } from '../errors.js';

/**
 * Resolves `path` (relative to `root`) and refuses anything that leaves `root`: lexically (`..`, absolute paths:
 * PATH_OUTSIDE_DATASET) and through symlinks (a file or folder link inside the folder that points outside it:
 * IMAGE_OUTSIDE_DATASET). Every path a dataset file or a client names goes through here. A path that does not
 * exist (yet) passes on its lexical check alone: whoever reads it reports IMAGE_MISSING.
 */
export function resolveInside(root: string, path: string): string {
  const base = resolve(root);
  const target = resolve(base, path);
  if (path.includes('\0') || !isWithin(base, target)) {
    throw cxrError('PATH_OUTSIDE_DATASET', `'${path}' resolves outside the dataset folder ${base}`, {
      path,
      root: base,
    });
  }
  checkRealPathWithin(base, target, path);
  return target;
}

/**
 * Refuses `file` when its real path (every symlink on the way followed) is outside the real path of `folder`: the
 * check a lexical one cannot make. Either path missing: nothing to refuse.
 */
export function checkRealPathWithin(folder: string, file: string, name = file): void {
  const realFile = realPath(file);
  if (realFile === undefined) return;
  // No link anywhere on the file's path (so none on its folder's): the lexical check is the real one.
  if (realFile === resolve(file) && isWithin(resolve(folder), realFile)) return;
  const realFolder = realPath(folder);
  if (realFolder === undefined || isWithin(realFolder, realFile)) return;
  throw cxrError(
    'IMAGE_OUTSIDE_DATASET',
    `'${name}' is a symlink (or lies under one) that leads outside its dataset folder: not read`,
    { path: name },
  );
}

/** `target` is `folder` or lies under it (both absolute and normalised). */
export function isWithin(folder: string, target: string): boolean {
  const within = relative(folder, target);
  return within === '' || (within !== '..' && !within.startsWith(`..${sep}`) && !isAbsolute(within));
}

/** The deepest folder holding every one of `paths` (absolute); `/` when they share nothing else. */
export function commonFolder(paths: string[]): string | undefined {
  let common: string | undefined;
  for (const path of paths) {
    let folder = resolve(path);
    // the nearest folder above (or at) this path that holds the common folder so far is the new common folder
    if (common !== undefined) while (!isWithin(folder, common)) folder = resolve(folder, '..');
    common = folder;
  }
  return common;
}

function realPath(path: string): string | undefined {
  try {
    return realpathSync.native(path);
  } catch {
    return undefined;
  }
}
