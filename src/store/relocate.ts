import { existsSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { isWithin, resolveInside } from '../datasets/paths.js';
import { cxrError, isCxrError } from '../errors.js';
import { Catalog } from './catalog.js';
import { buildingFolder, isIndexFolder } from './index-builds.js';
import { adoptAbsoluteFiles, datasetFiles, setRootDir } from './index-paths.js';
import { IndexStore } from './index-store.js';
import { currentGeneration } from './search-index.js';

export interface RelocateOptions {
  dataset: string;
  /** The dataset's folder now. */
  root: string;
  /** The catalog file; skipped when absent. */
  catalog?: string;
  /** The index folder; skipped when absent. */
  index?: string;
  /** Images checked under the new folder, in the catalog and in each index file. Default 200. */
  sample?: number | 'all';
  /** Record the folder even when none of the checked images is found there. Default false. */
  force?: boolean;
}

/** What a relocation checked in one place (the catalog, or one index generation). */
export interface RelocationCheck {
  place: string;
  previousRoot?: string;
  root: string;
  checked: number;
  found: number;
  /** Files there whose real path leaves the folder (symlinks elsewhere): they will not be read. */
  outside: number;
}

export const DEFAULT_RELOCATE_SAMPLE = 200;

/**
 * Moves a dataset to another folder without re-importing: checks (a sample of) its images there, in the catalog and
 * in the index's live generation (and an unfinished build), then records the new folder in each. Refused with
 * IMAGE_MISSING when none of the checked images is there (unless `force`), and with DATASET_NOT_FOUND when neither
 * the catalog nor the index knows the dataset or the folder does not exist. Indexes built before paths were
 * relative first get their roots from their absolute files (see adoptAbsoluteFiles).
 */
export function relocateDataset(options: RelocateOptions): RelocationCheck[] {
  const root = resolve(options.root);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw cxrError('DATASET_NOT_FOUND', `${options.root} is not a folder`, { root: options.root });
  }
  const sample = options.sample === 'all' ? undefined : (options.sample ?? DEFAULT_RELOCATE_SAMPLE);
  const catalog =
    options.catalog !== undefined && existsSync(options.catalog) ? Catalog.open(options.catalog) : undefined;
  try {
    const known = catalog?.stats().datasets.includes(options.dataset) === true;
    const catalogRoot = known ? catalog?.datasetRoot(options.dataset) : undefined;
    const stores = indexStores(options.index);
    const plan = (apply: boolean): RelocationCheck[] => {
      const checks: RelocationCheck[] = [];
      if (known && catalog !== undefined) {
        const paths = catalog.imagePaths(options.dataset, sample);
        const check = countFound(
          paths.map((path) => ({ root, path })),
          { place: 'catalog', root, ...(catalogRoot === undefined ? {} : { previousRoot: catalogRoot }) },
        );
        checks.push(check);
        if (apply) catalog.relocate(options.dataset, root);
      }
      for (const path of stores) checks.push(...relocateIndex(path, options.dataset, root, catalogRoot, sample, apply));
      return checks;
    };
    const checks = plan(false);
    if (checks.length === 0) {
      throw cxrError('DATASET_NOT_FOUND', `neither the catalog nor the index holds a dataset '${options.dataset}'`, {
        dataset: options.dataset,
      });
    }
    const empty = checks.find((check) => check.checked > 0 && check.found === 0);
    if (empty !== undefined && options.force !== true) {
      throw cxrError(
        'IMAGE_MISSING',
        `none of the ${empty.checked} images of '${options.dataset}' checked (${empty.place}) is under ${root}: nothing recorded (--force records it anyway)`,
        { dataset: options.dataset, checked: empty.checked },
      );
    }
    return plan(true);
  } finally {
    catalog?.close();
  }
}

/** The index files a relocation updates: the live generation's and an unfinished build's. */
function indexStores(index: string | undefined): string[] {
  if (index === undefined || !existsSync(index) || !isIndexFolder(index)) return [];
  const files = [join(currentGeneration(index), 'index.sqlite')];
  const building = join(buildingFolder(index), 'index.sqlite');
  if (existsSync(building)) files.push(building);
  return files;
}

/**
 * Checks (and with `apply`, records) the dataset's new folder in one index file, inside a transaction that is
 * rolled back unless applied. The index's root maps as the catalog's does: a root under the catalog's old root
 * keeps its place under the new one.
 */
function relocateIndex(
  path: string,
  dataset: string,
  root: string,
  catalogRoot: string | undefined,
  sample: number | undefined,
  apply: boolean,
): RelocationCheck[] {
  const store = IndexStore.open(path);
  const rollback = new Error('checked, not applied');
  let check: RelocationCheck | undefined;
  try {
    store.transaction(() => {
      const count = (
        store.db.prepare('SELECT count(*) AS n FROM entries WHERE dataset = ?').get(dataset) as {
          n: number;
        }
      ).n;
      if (count > 0) {
        const previous = adoptAbsoluteFiles(store.db, store.folder, dataset, catalogRoot);
        const moved =
          previous !== undefined && catalogRoot !== undefined && isWithin(catalogRoot, previous)
            ? resolve(root, relative(catalogRoot, previous))
            : root;
        setRootDir(store.db, dataset, moved);
        const files = datasetFiles(store.db, store.folder, dataset, sample);
        check = countFound(
          files.map((file) => ({ root: moved, path: file })),
          {
            place: `index ${relative(store.folder, path)}`,
            root: moved,
            ...(previous === undefined ? {} : { previousRoot: previous }),
          },
        );
      }
      if (!apply) throw rollback;
    });
  } catch (error) {
    if (error !== rollback) throw error;
  } finally {
    store.close();
  }
  return check === undefined ? [] : [check];
}

function countFound(
  files: Array<{ root: string; path: string }>,
  check: Omit<RelocationCheck, 'checked' | 'found' | 'outside'>,
): RelocationCheck {
  let found = 0;
  let outside = 0;
  for (const { root, path } of files) {
    try {
      if (existsSync(resolveInside(root, path))) found++;
    } catch (error) {
      if (!isCxrError(error)) throw error;
      outside++; // a symlink elsewhere, or a path no longer inside the folder
    }
  }
  return { ...check, checked: files.length, found, outside };
}
