import { statfsSync } from 'node:fs';
import { type CxrError, cxrError, isCxrError } from '../errors.js';

/**
 * A full disk, however it shows: Node's ENOSPC or EDQUOT (a quota), SQLite's SQLITE_FULL, or a file that came out
 * shorter than written (hnswlib writes without checking, see vector-index.ts). One code, DISK_FULL, so that the CLI
 * and the API say what happened and what to do instead of a raw error: what was being written was not kept.
 */
export function diskFull(error: unknown, where: string): CxrError | undefined {
  if (isCxrError(error)) return isCxrError(error, 'DISK_FULL') ? error : undefined;
  const code = (error as { code?: unknown })?.code;
  if (code !== 'ENOSPC' && code !== 'EDQUOT' && code !== 'SQLITE_FULL') return undefined;
  return diskFullError(where, String(code));
}

export function diskFullError(where: string, cause: string): CxrError {
  return cxrError(
    'DISK_FULL',
    `the disk holding ${where} is full (${cause}): what was being written was not kept; free some space and run it again`,
    { path: where, cause },
  );
}

/** Bytes free for this user on the file system holding `path` (for telling a short write from another fault). */
export function freeBytes(path: string): number {
  const stats = statfsSync(path);
  return stats.bavail * stats.bsize;
}
