import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { cxrError } from '../errors.js';
import { fsyncFile, writeTextAtomically } from './atomic-file.js';

/** Where a build writes its generation until it is complete (see search-index.ts for the folder layout). */
export function buildingFolder(indexDir: string): string {
  return join(indexDir, 'building');
}

/**
 * Takes the index folder's build lock (a file holding the builder's pid). A lock whose process is gone was left by
 * a crash and is taken over; a live one refuses with INDEX_BUSY.
 */
export function acquireBuildLock(indexDir: string): () => void {
  mkdirSync(indexDir, { recursive: true });
  const lock = join(indexDir, 'build.lock');
  if (existsSync(lock)) {
    const pid = Number(readFileSync(lock, 'utf8'));
    if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) {
      throw cxrError('INDEX_BUSY', `process ${pid} is building ${indexDir}`, { pid });
    }
    rmSync(lock, { force: true });
  }
  const fd = openSync(lock, 'wx');
  writeSync(fd, String(process.pid));
  closeSync(fd);
  return () => rmSync(lock, { force: true });
}

/**
 * Prepares `building/` for a build identified by `identity` (the bundle's hash and what is indexed): an unfinished
 * build of the same identity is resumed, anything else there is discarded. Returns whether it resumed.
 */
export function startBuilding(indexDir: string, identity: string): { folder: string; resumed: boolean } {
  const folder = buildingFolder(indexDir);
  const identityFile = join(folder, 'IDENTITY');
  if (existsSync(identityFile) && readFileSync(identityFile, 'utf8') === identity) return { folder, resumed: true };
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  writeTextAtomically(identityFile, identity);
  return { folder, resumed: false };
}

/**
 * Makes the finished `building/` the live generation: fsync its files, rename it to `g-<time>`, point `CURRENT` at
 * it (atomic replace), then delete older generations. A crash before the `CURRENT` switch leaves the old one live.
 */
export function commitBuilding(indexDir: string): string {
  const folder = buildingFolder(indexDir);
  for (const file of readdirSync(folder)) if (!file.includes('.sqlite-')) fsyncIfFile(join(folder, file));
  rmSync(join(folder, 'IDENTITY'), { force: true });
  const name = `g-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  renameSync(folder, join(indexDir, name));
  fsyncFile(indexDir);
  writeTextAtomically(join(indexDir, 'CURRENT'), name);
  for (const entry of readdirSync(indexDir)) {
    if (entry.startsWith('g-') && entry !== name) rmSync(join(indexDir, entry), { recursive: true, force: true });
  }
  return join(indexDir, name);
}

function fsyncIfFile(path: string): void {
  try {
    fsyncFile(path);
  } catch {
    // folders (the bundle) are fsynced by the rename's parent fsync; nothing else to do
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
