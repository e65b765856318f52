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
import { basename, join } from 'node:path';
import { cxrError } from '../errors.js';
import { log } from '../log.js';
import { fsyncFile, isAlive, removeStaleTemporaries, writeTextAtomically } from './atomic-file.js';

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
  removeStaleTemporaries(indexDir); // a CURRENT.<pid>.tmp of a build that crashed while switching
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

/**
 * The newest complete generation of an index folder (`g-<time>` holding index.sqlite), for when `CURRENT` is lost:
 * a generation is renamed into place only once complete (commitBuilding), so every `g-*` folder is one, and the
 * newest is the one CURRENT named unless a crash came between the switch and the removal of the old one.
 */
export function newestGeneration(indexDir: string): string | undefined {
  if (!existsSync(indexDir)) return undefined;
  const names = readdirSync(indexDir)
    .filter((name) => /^g-[\w-]+$/.test(name) && existsSync(join(indexDir, name, 'index.sqlite')))
    .sort();
  const newest = names.at(-1);
  return newest === undefined ? undefined : join(indexDir, newest);
}

/** An index folder (generations and CURRENT) rather than one generation's own folder. */
export function isIndexFolder(dir: string): boolean {
  return existsSync(join(dir, 'CURRENT')) || newestGeneration(dir) !== undefined;
}

const warnedAbout = new Set<string>();

/** The generation to serve when CURRENT is missing or damaged, said once per folder (readers do not write it back). */
export function recoverGeneration(indexDir: string): string | undefined {
  const generation = newestGeneration(indexDir);
  if (generation !== undefined && !warnedAbout.has(indexDir)) {
    warnedAbout.add(indexDir);
    log.error(
      `${join(indexDir, 'CURRENT')} is missing or names no generation; serving the newest complete one, ${basename(generation)} ` +
        `(the next \`cxr build\` writes CURRENT again, or write that name into it)`,
    );
  }
  return generation;
}
