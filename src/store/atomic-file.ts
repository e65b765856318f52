import { closeSync, existsSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Writes a file whole or not at all: `write` fills a temporary file beside the target, which is fsynced and renamed
 * over it, then the folder is fsynced so the rename itself survives a power cut. A crash at any point leaves the
 * previous file in place.
 */
export function replaceFileAtomically(path: string, write: (temporary: string) => void): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    write(temporary);
    fsyncFile(temporary);
    renameSync(temporary, path);
    fsyncFile(dirname(path));
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

export function writeTextAtomically(path: string, text: string): void {
  replaceFileAtomically(path, (temporary) => writeFileSync(temporary, text));
}

export function fsyncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Deletes the temporary files a crashed writer left in `dir` (not its subfolders): `*.<pid>.tmp` and
 * `*.<pid>-<anything>.tmp` whose process is gone, and `*.tmp` without a pid (older versions wrote those). A
 * temporary of a live process is its write in progress and is kept. Returns the names deleted.
 */
export function removeStaleTemporaries(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const removed: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.tmp')) continue;
    const pid = /\.(\d+)(?:-[\w-]+)?\.tmp$/.exec(entry.name)?.[1];
    if (pid !== undefined && isAlive(Number(pid))) continue;
    rmSync(join(dir, entry.name), { force: true });
    removed.push(entry.name);
  }
  return removed;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
