import { existsSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { commonFolder, isWithin } from '../datasets/paths.js';

/**
 * How an index keeps its image files (db/index/006): relative to a root recorded once per dataset, or to the index
 * folder itself (`INDEX_ROOT`: uploads/), so that an index copied or moved with its images answers as before once
 * its dataset roots are recorded again. A file outside both is kept absolute.
 */
export const INDEX_ROOT = '@index';

/** The index folder of a store file: the parent of its generation (`g-…`, `building`), else the store's folder. */
export function indexFolderOf(storePath: string): string {
  const generation = dirname(resolve(storePath));
  return /^(g-[\w-]+|building)$/.test(basename(generation)) ? dirname(generation) : generation;
}

/** An entry's file as stored: its root's name (NULL: absolute) and the path relative to that root. */
export interface StoredFile {
  root: string | null;
  file: string;
}

/**
 * Where an entry's file is stored. A dataset root the entry names (from the catalog) is recorded the first time and
 * used while it stays the same; a file under the index folder is stored relative to it; anything else absolute.
 */
export function storedFile(
  db: Database.Database,
  indexFolder: string,
  entry: { dataset: string; file: string; root?: string },
): StoredFile {
  const file = resolve(entry.file);
  if (entry.root !== undefined && isWithin(resolve(entry.root), file)) {
    const dir = resolve(entry.root);
    const recorded = rootDir(db, entry.dataset);
    if (recorded === undefined) db.prepare('INSERT INTO roots (name, dir) VALUES (?, ?)').run(entry.dataset, dir);
    if (recorded === undefined || recorded === dir) return { root: entry.dataset, file: relative(dir, file) };
  }
  if (isWithin(indexFolder, file)) return { root: INDEX_ROOT, file: relative(indexFolder, file) };
  return { root: null, file };
}

/** SQL for an entry row's root folder beside its `root` and `file` columns (entries aliased `e`). */
export const ROOT_DIR_SQL = '(SELECT dir FROM roots r WHERE r.name = e.root) AS root_dir';

/**
 * An entry's file as an absolute path, and the folder its real path must stay within when it is read (its root;
 * none for a file stored absolute).
 */
export function resolvedFile(
  indexFolder: string,
  row: { root: string | null; root_dir: string | null; file: string },
): { file: string; within?: string } {
  if (row.root === INDEX_ROOT) return { file: resolve(indexFolder, row.file), within: indexFolder };
  if (row.root === null || row.root_dir === null) return { file: resolve(row.file) };
  return { file: resolve(row.root_dir, row.file), within: row.root_dir };
}

export function rootDir(db: Database.Database, dataset: string): string | undefined {
  const row = db.prepare('SELECT dir FROM roots WHERE name = ?').get(dataset) as { dir: string } | undefined;
  return row?.dir;
}

/**
 * Gives absolute files of an index built before db/index/006 their roots: files under the index folder (uploads/)
 * become relative to it, as do those of an index copied from elsewhere whose uploads/ came with it; a dataset
 * without a recorded root gets the folder the catalog records for it when every file lies there (`catalogRoot`),
 * else the common folder of its files. Returns the dataset's root afterwards.
 */
export function adoptAbsoluteFiles(
  db: Database.Database,
  indexFolder: string,
  dataset: string,
  catalogRoot?: string,
): string | undefined {
  const absolute = db.prepare('SELECT label, dataset, file FROM entries WHERE root IS NULL').all() as Array<{
    label: number;
    dataset: string;
    file: string;
  }>;
  const setFile = db.prepare('UPDATE entries SET root = ?, file = ? WHERE label = ?');
  const own: Array<{ label: number; file: string }> = [];
  for (const entry of absolute) {
    const upload = uploadOf(indexFolder, entry.file);
    if (upload !== undefined) setFile.run(INDEX_ROOT, upload, entry.label);
    else if (entry.dataset === dataset) own.push(entry);
  }
  const recorded = rootDir(db, dataset);
  if (recorded !== undefined || own.length === 0) return recorded;
  const inCatalogRoot = catalogRoot !== undefined && own.every((e) => isWithin(resolve(catalogRoot), e.file));
  const root = inCatalogRoot ? resolve(catalogRoot) : (commonFolder(own.map((e) => dirname(e.file))) as string);
  db.prepare('INSERT INTO roots (name, dir) VALUES (?, ?)').run(dataset, root);
  for (const entry of own) setFile.run(dataset, relative(root, entry.file), entry.label);
  return root;
}

/** Records the dataset's new folder; files already stored relative to its root follow it. */
export function setRootDir(db: Database.Database, dataset: string, dir: string): void {
  db.prepare('INSERT INTO roots (name, dir) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET dir = excluded.dir').run(
    dataset,
    resolve(dir),
  );
}

/**
 * Up to `limit` of the files stored relative to the dataset's root (absolute, as they would be read now), spread
 * over its entries; not its uploads, nor files added from elsewhere.
 */
export function datasetFiles(db: Database.Database, indexFolder: string, dataset: string, limit?: number): string[] {
  const where = 'FROM entries e WHERE e.dataset = ? AND e.root = e.dataset';
  const total = (db.prepare(`SELECT count(*) AS n ${where}`).get(dataset) as { n: number }).n;
  const step = limit === undefined || total <= limit ? 1 : total / limit;
  const rows = db
    .prepare(`SELECT e.root, e.file, ${ROOT_DIR_SQL} ${where} ORDER BY e.label`)
    .iterate(dataset) as Iterable<{ root: string | null; root_dir: string | null; file: string }>;
  const files: string[] = [];
  let i = 0;
  for (const row of rows) if (i++ === Math.floor(files.length * step)) files.push(resolvedFile(indexFolder, row).file);
  return files;
}

/**
 * A file under the index folder, relative to it; or the file of an index copied from elsewhere whose uploads came
 * along: `<old index>/uploads/<name>` when `uploads/<name>` is in this index folder (upload names are unique).
 */
function uploadOf(indexFolder: string, file: string): string | undefined {
  if (isWithin(indexFolder, file)) return relative(indexFolder, file);
  if (basename(dirname(file)) !== 'uploads') return undefined;
  const here = join('uploads', basename(file));
  return existsSync(join(indexFolder, here)) ? here : undefined;
}
