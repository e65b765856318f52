import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

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
