import { existsSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { commonFolder, isWithin } from '../datasets/paths.js';
import { log } from '../log.js';

/**
 * Each dataset's folder, recorded once (db/004): the catalog's image paths are relative to it, so a collection that
 * moves is found again by recording its new folder. An import's image folder lies inside its dataset's root; one
 * that does not widens the root to the folder holding both (every stored path is rebased onto it).
 */
export function datasetRoot(db: Database.Database, dataset: string): string | undefined {
  const row = db.prepare('SELECT root FROM dataset_roots WHERE dataset = ?').get(dataset) as
    | { root: string }
    | undefined;
  return row?.root;
}

/** Records the dataset's folder (absolute), replacing the one it had: what `cxr relocate` does to the catalog. */
export function setDatasetRoot(db: Database.Database, dataset: string, root: string): void {
  db.prepare(
    'INSERT INTO dataset_roots (dataset, root) VALUES (?, ?) ON CONFLICT(dataset) DO UPDATE SET root = excluded.root',
  ).run(dataset, resolve(root));
}

/**
 * Records the image folder of an import (absolute, or relative to the working folder) under its dataset's root. A
 * folder that does not exist is not recorded (its images are all missing; their paths are kept as the file names
 * them), so that it never widens the root of the folder the images really are in.
 */
export function recordImportFolder(db: Database.Database, importId: number, dataset: string, images: string): void {
  const folder = resolve(images);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) return;
  let root = datasetRoot(db, dataset);
  if (root === undefined) {
    setDatasetRoot(db, dataset, folder);
    root = folder;
  } else if (!isWithin(root, folder)) {
    const wider = commonFolder([root, folder]) as string;
    log.info(`dataset ${dataset}: its image folders now lie under ${wider} (was ${root})`);
    rebaseDataset(db, dataset, relative(wider, root));
    setDatasetRoot(db, dataset, wider);
    root = wider;
  }
  db.prepare('UPDATE imports SET folder = ? WHERE id = ?').run(relative(root, folder), importId);
}

/** The import's image folder (absolute) and its dataset's root, or undefined when the import named no folder. */
export function importFolder(db: Database.Database, importId: number): { root: string; folder: string } | undefined {
  const row = db
    .prepare('SELECT m.folder, d.root FROM imports m JOIN dataset_roots d ON d.dataset = m.dataset WHERE m.id = ?')
    .get(importId) as { folder: string | null; root: string } | undefined;
  if (row === undefined || row.folder === null) return undefined;
  return { root: row.root, folder: resolve(row.root, row.folder) };
}

/**
 * A path the dataset file names (relative to its import's folder) as stored: relative to the dataset's root. An
 * import without a folder stores what the file names.
 */
export function storedImagePath(where: { root: string; folder: string } | undefined, path: string): string {
  if (where === undefined) return path;
  const file = resolve(where.folder, path);
  return isWithin(where.root, file) ? relative(where.root, file) : path;
}

/** `path` with the folder `?` in front; an absolute path (one inside the folder a dataset file named) stays as it is. */
const PREFIXED = "CASE WHEN substr(path, 1, 1) = '/' THEN path ELSE ? || '/' || path END";

/**
 * Catalogs from before db/004 keep each image path relative to its import's image folder (`options.images`, resolved
 * against the working folder as every reader did). Each dataset gets the folder holding all its imports' folders as
 * its root, and its paths are rebased onto it, once.
 */
export function rebaseLegacyPaths(db: Database.Database): void {
  const imports = db.prepare('SELECT id, dataset, options FROM imports ORDER BY id').all() as Array<{
    id: number;
    dataset: string;
    options: string;
  }>;
  const byDataset = new Map<string, Array<{ id: number; folder: string }>>();
  for (const row of imports) {
    const images = (JSON.parse(row.options) as { images?: unknown }).images;
    if (typeof images !== 'string') continue;
    const list = byDataset.get(row.dataset) ?? [];
    list.push({ id: row.id, folder: resolve(images) });
    byDataset.set(row.dataset, list);
  }
  const rebase = db.prepare(
    `UPDATE images SET path = ${PREFIXED}
     WHERE path IS NOT NULL AND study_id IN (SELECT id FROM studies WHERE import_id = ?)`,
  );
  const setFolder = db.prepare('UPDATE imports SET folder = ? WHERE id = ?');
  for (const [dataset, folders] of byDataset) {
    const root = commonFolder(folders.map((f) => f.folder)) as string;
    setDatasetRoot(db, dataset, root);
    for (const { id, folder } of folders) {
      const prefix = relative(root, folder);
      setFolder.run(prefix, id);
      if (prefix !== '') rebase.run(prefix, id);
    }
  }
}

/** Prefixes every stored path and import folder of a dataset with `prefix` (its old root, relative to the new). */
function rebaseDataset(db: Database.Database, dataset: string, prefix: string): void {
  if (prefix === '') return;
  db.prepare(
    `UPDATE images SET path = ${PREFIXED}
     WHERE path IS NOT NULL AND study_id IN (SELECT id FROM studies WHERE dataset = ?)`,
  ).run(prefix, dataset);
  db.prepare(
    `UPDATE imports SET folder = CASE folder WHEN '' THEN ? ELSE ? || '/' || folder END
     WHERE dataset = ? AND folder IS NOT NULL`,
  ).run(prefix, prefix, dataset);
}
