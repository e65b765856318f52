import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import Database from 'better-sqlite3';
import { type CxrError, cxrError, isCxrError } from '../errors.js';
import { log } from '../log.js';
import { diskFullError } from './disk-full.js';
import { INDEX_MIGRATIONS_DIR, listMigrations, migrate } from './migrations.js';

/**
 * How an index's SQLite file is opened. `read`: read-only, nothing written — no journal-mode switch, no migration
 * (but one that an older file needs, done once through a write open), so that readers work on a read-only mount
 * and never give a schema to an empty file. `write`: WAL while it writes, the schema migrated; the file is put back
 * in rollback-journal mode when it is closed (closeIndexDatabase), because a read-only connection to a WAL-mode
 * file must create its -wal and -shm files, which a read-only folder does not allow.
 */
export type IndexAccess = 'read' | 'write';

export function openIndexDatabase(path: string, access: IndexAccess): Database.Database {
  if (access === 'read') checkIndexFile(path);
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: access === 'read', fileMustExist: access === 'read' });
    if (access === 'write') {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      migrate(db, listMigrations(INDEX_MIGRATIONS_DIR), 'INDEX_CORRUPT');
    } else if (needsMigration(db)) {
      db.close();
      log.info(`${basename(path)} has an older schema: migrating it once`);
      closeIndexDatabase(openIndexDatabase(path, 'write'));
      db = new Database(path, { readonly: true, fileMustExist: true });
    }
    db.pragma('foreign_keys = ON');
    return db;
  } catch (error) {
    if (db?.open) db.close();
    throw sqliteFault(error, path) ?? error;
  }
}

/** Closes a connection; a writer first returns the file to rollback-journal mode when no one else has it open. */
export function closeIndexDatabase(db: Database.Database): void {
  if (!db.open) return;
  if (!db.readonly) {
    try {
      db.pragma('busy_timeout = 0'); // another connection has it: leave it in WAL rather than wait
      db.pragma('journal_mode = DELETE');
    } catch {
      // busy or read-only: the file stays in WAL mode, which writers and readers with a writable folder can open
    }
  }
  db.close();
}

/** Schema older than this program's (a newer one is refused by migrate, also on a read open). */
function needsMigration(db: Database.Database): boolean {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = listMigrations(INDEX_MIGRATIONS_DIR).at(-1)?.version ?? 0;
  if (current > latest) migrate(db, listMigrations(INDEX_MIGRATIONS_DIR), 'INDEX_CORRUPT'); // throws
  return current < latest;
}

const MAGIC = 'SQLite format 3\0';

/**
 * What can be told of an index file before SQLite opens it: that it is there, not empty, an SQLite file, and not
 * shorter than its header says (when no WAL file holds part of it). A garbage page elsewhere shows when a query
 * reads it, as SQLITE_CORRUPT, which sqliteFault names.
 */
function checkIndexFile(path: string): void {
  const name = basename(path);
  if (!existsSync(path)) throw corrupt(path, `${name} is missing`);
  const size = statSync(path).size;
  if (size === 0) throw corrupt(path, `${name} is empty (a build or a copy that did not finish?)`);
  const header = Buffer.alloc(100);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (size < 100 || header.toString('latin1', 0, 16) !== MAGIC) {
    throw corrupt(path, `${name} is not an SQLite database (its header is damaged)`);
  }
  const pageSize = header.readUInt16BE(16) === 1 ? 65536 : header.readUInt16BE(16);
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) {
    throw corrupt(path, `${name} has a damaged header (page size ${pageSize})`);
  }
  // The page count at offset 28 is valid when the "version valid for" number matches the change counter.
  const pages = header.readUInt32BE(28);
  const countValid = header.readUInt32BE(92) === header.readUInt32BE(24);
  if (countValid && !existsSync(`${path}-wal`) && size < pages * pageSize) {
    throw corrupt(
      path,
      `${name} is ${size} bytes, shorter than the ${pages * pageSize} its header records (truncated)`,
    );
  }
}

function corrupt(path: string, reason: string): CxrError {
  return cxrError('INDEX_CORRUPT', `${reason}: rebuild the index with \`cxr build\``, { path });
}

/**
 * A SQLite error that says the index file itself is at fault, as a CxrError: damaged (SQLITE_CORRUPT, NOTADB) is
 * INDEX_CORRUPT, a read-only file or folder that a write needs (READONLY, CANTOPEN on a write) is INDEX_READONLY.
 * A full disk (SQLITE_FULL) is DISK_FULL. Anything else (a bug) is undefined: the caller rethrows it as it was.
 */
export function sqliteFault(error: unknown, path?: string): CxrError | undefined {
  if (isCxrError(error)) return error;
  const code = (error as { code?: unknown })?.code;
  if ((error as Error)?.name !== 'SqliteError' || typeof code !== 'string') return undefined;
  const file = path === undefined ? 'the index database' : basename(path);
  const details = { sqlite: code, ...(path === undefined ? {} : { path }) };
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return cxrError(
      'INDEX_CORRUPT',
      `${file} is damaged (${(error as Error).message}): rebuild the index with \`cxr build\``,
      details,
    );
  }
  if (code === 'SQLITE_FULL') return diskFullError(file, code);
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN')) {
    return cxrError(
      'INDEX_READONLY',
      `${file} cannot be written (${(error as Error).message}): the index folder is read-only or the file is`,
      details,
    );
  }
  return undefined;
}
