import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cxrError, isCxrError } from '../errors.js';
import { log } from '../log.js';
import { isIndexFolder } from '../store/index-builds.js';
import { IndexStore, type StoredEntry } from '../store/index-store.js';
import { currentGeneration } from '../store/search-index.js';
import type { CatalogImage } from './catalog-images.js';

/** An image to annotate into the index: a catalog image, or an added one (which may have no study). */
export type IndexedImage = Omit<CatalogImage, 'studyId'> & { studyId?: string };

/**
 * What the live generation changed after its build, which a rebuild keeps: images added (`cxr add`, POST
 * /api/images), annotated again from their files with the new bundle, and images removed (`cxr remove`, DELETE),
 * which stay out although the catalog still lists them.
 */
export interface KeptChanges {
  added: StoredEntry[];
  removed: Set<string>;
}

const NONE: KeptChanges = { added: [], removed: new Set() };

/** The live generation's changes (none when the folder holds no index yet). */
export function liveChanges(indexDir: string): KeptChanges {
  if (!isIndexFolder(indexDir)) return NONE;
  let store: IndexStore | undefined;
  try {
    store = IndexStore.open(join(currentGeneration(indexDir), 'index.sqlite'), { access: 'read' });
    return { added: store.addedEntries(), removed: store.removedImages() };
  } catch (error) {
    if (!isCxrError(error, 'INDEX_CORRUPT')) throw error;
    // The rebuild is what mends a damaged index; what it added or removed cannot be read from it.
    log.error(`the live index cannot be read (${error.message}): images added or removed since its build are not kept`);
    return NONE;
  } finally {
    store?.close();
  }
}

/**
 * Refuses, before the build starts, to drop added images whose files are gone, naming them; with `dropAdded` they
 * are left out (and named in the log). Returns the changes the build keeps.
 */
export function keepableChanges(changes: KeptChanges, dropAdded: boolean): KeptChanges {
  const missing = changes.added.filter((entry) => !existsSync(entry.file));
  if (missing.length === 0) return changes;
  const ids = missing.map((entry) => entry.imageId);
  const named = `${ids.slice(0, 10).join(', ')}${ids.length > 10 ? ` and ${ids.length - 10} more` : ''}`;
  if (!dropAdded) {
    throw cxrError(
      'IMAGE_MISSING',
      `${ids.length} image(s) added to the index since its build have no file any more (${named}): a rebuild would ` +
        'drop them; put the files back, or rebuild with --drop-added to drop them',
      { images: ids, option: '--drop-added' },
    );
  }
  log.info(`dropping ${ids.length} added image(s) whose files are gone (--drop-added): ${named}`);
  const gone = new Set(ids);
  return { added: changes.added.filter((entry) => !gone.has(entry.imageId)), removed: changes.removed };
}

/** The catalog's images less those removed since, and less those an added image of the same id replaced. */
export function keptCatalogImages(images: CatalogImage[], changes: KeptChanges): CatalogImage[] {
  const replaced = new Set(changes.added.map((entry) => entry.imageId));
  return images.filter((image) => !changes.removed.has(image.imageId) && !replaced.has(image.imageId));
}

/**
 * Brings a generation being built in line with the live one's changes: removes (and records) what was removed,
 * and returns the added images it lacks, or holds from another file, for the caller to annotate.
 */
export function applyChanges(store: IndexStore, changes: KeptChanges): IndexedImage[] {
  store.transaction(() => {
    for (const id of changes.removed) store.remove(id);
    store.recordRemoved(changes.removed);
  });
  const held = new Map(store.addedEntries().map((entry) => [entry.imageId, entry.file]));
  return changes.added
    .filter((entry) => held.get(entry.imageId) !== entry.file)
    .map((entry) => ({
      imageId: entry.imageId,
      ...(entry.studyId === undefined ? {} : { studyId: entry.studyId }),
      dataset: entry.dataset,
      file: entry.file,
      ...(entry.view === undefined ? {} : { view: entry.view }),
      ...(entry.split === undefined ? {} : { split: entry.split }),
      truth: entry.truth,
      fromReport: entry.fromReport,
      ...(entry.report === undefined ? {} : { report: entry.report }),
    }));
}
