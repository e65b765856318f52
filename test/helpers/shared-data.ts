import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The real data beside the repository (`../shared/data`); a user's machine has none. */
export const SHARED_DATA =
  process.env.CXR_SHARED_DATA ?? resolve(fileURLToPath(new URL('../../', import.meta.url)), '../shared/data');

export function sharedPath(...parts: string[]): string {
  return resolve(SHARED_DATA, ...parts);
}

/** True when `parts` exist under the shared data; otherwise says once, visibly, which tests skip and why. */
export function hasShared(...parts: string[]): boolean {
  const path = sharedPath(...parts);
  if (existsSync(path)) return true;
  process.stderr.write(
    `SKIP: ${path} is absent (real data lives only beside the repository); tests on it are skipped\n`,
  );
  return false;
}
