import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { cxrError } from '../errors.js';

/** `db/` beside `src/` and `dist/`: the schema is readable without the code. */
const MIGRATIONS_DIR = fileURLToPath(new URL('../../db/', import.meta.url));
/** The search index's own schema, `db/index/`. */
export const INDEX_MIGRATIONS_DIR = fileURLToPath(new URL('../../db/index/', import.meta.url));

interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d+_.+\.sql$/.test(file))
    .map((file) => ({
      version: Number.parseInt(file, 10),
      name: file,
      sql: readFileSync(`${dir}/${file}`, 'utf8'),
    }))
    .sort((a, b) => a.version - b.version);
}

/** Applies the migrations a database lacks, each in its own transaction; refuses a database from the future. */
export function migrate(
  db: Database.Database,
  migrations = listMigrations(),
  newerCode: 'CATALOG_SCHEMA' | 'INDEX_CORRUPT' = 'CATALOG_SCHEMA',
): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw cxrError(newerCode, `database schema version ${current} is newer than this program's ${latest}`, {
      current,
      latest,
    });
  }
  for (const migration of migrations.filter((m) => m.version > current)) {
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
  return latest;
}
