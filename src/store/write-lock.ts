import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { cxrError, isCxrError } from '../errors.js';
import { isAlive } from './atomic-file.js';
import { diskFull } from './disk-full.js';

/**
 * One writer at a time per index folder, across processes (`cxr add`, `cxr remove`, a server's writes, the switch of
 * a build). The lock is an SQLite file held in a write transaction (`BEGIN IMMEDIATE`): the operating system's file
 * lock under it goes with its process, so a writer killed with -9 leaves no lock to take over by hand, and a reused
 * pid can never keep one held. Beside it, `write.lock.pid` names the holder, for the message a refused writer gets.
 * Readers never take it.
 */
export interface WriteLock {
  release(): void;
}

export function writeLockFile(dir: string): string {
  return join(dir, 'write.lock');
}

/** Takes the lock or throws INDEX_BUSY naming its holder; never waits (a server's event loop must not block). */
export function acquireWriteLock(dir: string): WriteLock {
  const file = writeLockFile(dir);
  let db: Database.Database;
  try {
    mkdirSync(dir, { recursive: true });
    db = new Database(file);
  } catch (error) {
    throw readOnly(error, dir);
  }
  try {
    db.pragma('busy_timeout = 0');
    db.exec('BEGIN IMMEDIATE');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') throw busy(dir);
    throw readOnly(error, dir);
  }
  try {
    writeFileSync(`${file}.pid`, String(process.pid));
  } catch {
    // only names the holder (a full disk, say): the lock holds without it, and the write itself will tell
  }
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      db.exec('ROLLBACK');
      db.close();
    },
  };
}

/** Runs `work` holding the lock (released however it ends). */
export function withWriteLock<T>(dir: string, work: () => T): T {
  const lock = acquireWriteLock(dir);
  try {
    return work();
  } finally {
    lock.release();
  }
}

/**
 * Retries `attempt` while it fails with INDEX_BUSY, for up to `waitMs` (another writer holds the lock for one write:
 * a few milliseconds to a second or so), then lets the last INDEX_BUSY through.
 */
export async function retryWhileBusy<T>(attempt: () => T | Promise<T>, waitMs: number): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (let pause = 10; ; pause = Math.min(pause * 2, 250)) {
    try {
      return await attempt();
    } catch (error) {
      if (!isCxrError(error, 'INDEX_BUSY') || error.details.retry === false || Date.now() + pause > deadline) {
        throw error;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

/** The pid the holder wrote, when that process is alive (a pid of a holder that has since gone says nothing). */
export function writeLockHolder(dir: string): number | undefined {
  const file = `${writeLockFile(dir)}.pid`;
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8'));
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
}

function busy(dir: string) {
  const pid = writeLockHolder(dir);
  const holder = pid === undefined ? 'another process' : `process ${pid}`;
  return cxrError('INDEX_BUSY', `${holder} is writing the index at ${dir}; try again when it is done`, {
    ...(pid === undefined ? {} : { pid }),
    lock: writeLockFile(dir),
  });
}

function readOnly(error: unknown, dir: string) {
  if (isCxrError(error)) return error;
  const full = diskFull(error, dir);
  if (full !== undefined) return full;
  return cxrError('INDEX_READONLY', `cannot take the write lock of ${dir}: ${(error as Error).message}`, {
    path: dir,
  });
}
