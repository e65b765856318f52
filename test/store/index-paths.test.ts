import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adoptAbsoluteFiles, datasetFiles, indexFolderOf, setRootDir } from '../../src/store/index-paths.js';
import type { IndexEntry } from '../../src/store/index-store.js';
import { IndexStore } from '../../src/store/index-store.js';
import { annotationOf, entryOf } from '../helpers/annotations.js';
import { tempDir } from '../helpers/fixtures.js';

const stored = (store: IndexStore) =>
  store.db.prepare('SELECT image_id AS id, root, file FROM entries ORDER BY label').all();

/** A store file in a generation folder of an index folder, as builds lay them out. */
function generationStore(index: string): IndexStore {
  mkdirSync(join(index, 'g-1'), { recursive: true });
  return IndexStore.open(join(index, 'g-1', 'index.sqlite'));
}

function entry(id: string, file: string, extra: Partial<IndexEntry> = {}): IndexEntry {
  return { ...entryOf(id, annotationOf()), dataset: 'nih', imageId: `nih:${id}`, file, ...extra };
}

describe('index file paths: relative to a root recorded once', () => {
  it('stores a dataset file relative to its root, an upload relative to the index folder, anything else absolute', () => {
    const base = tempDir();
    const index = join(base, 'index');
    const store = generationStore(index);
    expect(store.folder).toBe(index);
    store.upsert(entry('a', join(base, 'nih', 'x', 'a.png'), { root: join(base, 'nih') }));
    store.upsert(entry('up', join(index, 'uploads', 'nih__up.1234.png')));
    store.upsert(entry('elsewhere', '/srv/other/e.png'));
    // a root that is not the one recorded for the dataset: kept absolute, never rebased onto the wrong one
    store.upsert(entry('other-root', join(base, 'other', 'o.png'), { root: join(base, 'other') }));
    expect(stored(store)).toEqual([
      { id: 'nih:a', root: 'nih', file: 'x/a.png' },
      { id: 'nih:up', root: '@index', file: 'uploads/nih__up.1234.png' },
      { id: 'nih:elsewhere', root: null, file: '/srv/other/e.png' },
      { id: 'nih:other-root', root: null, file: join(base, 'other', 'o.png') },
    ]);
    const files = store.entries([1, 2, 3, 4]).map((e) => e.file);
    expect(files).toEqual([
      join(base, 'nih', 'x', 'a.png'),
      join(index, 'uploads', 'nih__up.1234.png'),
      '/srv/other/e.png',
      join(base, 'other', 'o.png'),
    ]);
    expect(store.entries([1])[0]).not.toHaveProperty('root');
    expect(store.imageFile('nih:a')).toEqual({ file: join(base, 'nih', 'x', 'a.png'), within: join(base, 'nih') });
    expect(store.imageFile('nih:up')?.within).toBe(index);
    expect(store.imageFile('nih:elsewhere')).toEqual({ file: '/srv/other/e.png' });
    expect(store.imageFile('nih:nope')).toBeUndefined();
    // the dataset moves: its files follow its root
    setRootDir(store.db, 'nih', '/mnt/nih');
    expect(store.entries([1])[0]?.file).toBe('/mnt/nih/x/a.png');
    expect(datasetFiles(store.db, store.folder, 'nih')).toEqual(['/mnt/nih/x/a.png']);
    store.close();
  });

  it('an index folder copied elsewhere finds its uploads there', () => {
    const base = tempDir();
    const store = generationStore(join(base, 'index'));
    store.upsert(entry('up', join(base, 'index', 'uploads', 'nih__up.png')));
    store.close();
    const copy = join(tempDir(), 'copied-index');
    cpSync(join(base, 'index'), copy, { recursive: true });
    const moved = IndexStore.open(join(copy, 'g-1', 'index.sqlite'), { access: 'read' });
    expect(moved.imageFile('nih:up')).toEqual({ file: join(copy, 'uploads', 'nih__up.png'), within: copy });
    moved.close();
  });

  it('indexFolderOf: the parent of a generation or of building/, else the store file’s own folder', () => {
    expect(indexFolderOf('/x/index/g-2024-01-01T00-00-00-000Z/index.sqlite')).toBe('/x/index');
    expect(indexFolderOf('/x/index/building/index.sqlite')).toBe('/x/index');
    expect(indexFolderOf('/x/store/index.sqlite')).toBe('/x/store');
  });

  it('adoptAbsoluteFiles gives an older index’s absolute files roots: uploads, the catalog’s root, the common folder', () => {
    const base = tempDir();
    const index = join(base, 'copied', 'index');
    mkdirSync(join(index, 'uploads'), { recursive: true });
    writeFileSync(join(index, 'uploads', 'nih__u.ab12.png'), 'u');
    const store = generationStore(index);
    // as an index built before db/index/006 stored them: absolute, no root
    store.upsert(entry('a', '/old/nih/images_001/a.png'));
    store.upsert(entry('b', '/old/nih/images_002/b.png'));
    store.upsert(entry('u', '/old/.cxr/index/uploads/nih__u.ab12.png')); // its uploads/ was copied along
    store.upsert(entry('gone', '/old/.cxr/index/uploads/nih__gone.png')); // not copied: stays as it was
    store.upsert({ ...entry('c', '/old/chexpert/c.png'), dataset: 'chexpert', imageId: 'chexpert:c' });
    expect(adoptAbsoluteFiles(store.db, store.folder, 'nih')).toBe('/old');
    expect(stored(store)).toEqual([
      { id: 'nih:a', root: 'nih', file: 'nih/images_001/a.png' },
      { id: 'nih:b', root: 'nih', file: 'nih/images_002/b.png' },
      { id: 'nih:u', root: '@index', file: 'uploads/nih__u.ab12.png' },
      { id: 'nih:gone', root: 'nih', file: '.cxr/index/uploads/nih__gone.png' },
      { id: 'chexpert:c', root: null, file: '/old/chexpert/c.png' },
    ]);
    // with the catalog's root, when every file lies in it
    expect(adoptAbsoluteFiles(store.db, store.folder, 'chexpert', '/old')).toBe('/old');
    expect(store.imageFile('chexpert:c')).toEqual({ file: '/old/chexpert/c.png', within: '/old' });
    // once recorded, nothing more is adopted
    expect(adoptAbsoluteFiles(store.db, store.folder, 'nih', '/elsewhere')).toBe('/old');
    store.close();
  });
});
