import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRealPathWithin, commonFolder, isWithin, resolveInside } from '../../src/datasets/paths.js';
import { tempDir } from '../helpers/fixtures.js';

/** A dataset folder with a real image, and a file and a folder elsewhere for links to point at. */
function layout() {
  const base = tempDir();
  const dataset = join(base, 'dataset');
  const elsewhere = join(base, 'elsewhere');
  mkdirSync(join(dataset, 'real'), { recursive: true });
  mkdirSync(elsewhere);
  writeFileSync(join(dataset, 'real', 'a.png'), 'a');
  writeFileSync(join(elsewhere, 'secret.png'), 's');
  return { base, dataset, elsewhere };
}

describe('resolveInside', () => {
  it('resolves a path inside the folder, and refuses one that leaves it lexically with PATH_OUTSIDE_DATASET', () => {
    const { dataset } = layout();
    expect(resolveInside(dataset, 'real/a.png')).toBe(join(dataset, 'real', 'a.png'));
    expect(resolveInside(dataset, 'real/../real/a.png')).toBe(join(dataset, 'real', 'a.png'));
    for (const path of ['../elsewhere/secret.png', '/etc/passwd', 'real/\0.png']) {
      expect(() => resolveInside(dataset, path)).toThrow(expect.objectContaining({ code: 'PATH_OUTSIDE_DATASET' }));
    }
    // a name that merely starts with two dots is inside
    writeFileSync(join(dataset, '..a.png'), 'x');
    expect(resolveInside(dataset, '..a.png')).toBe(join(dataset, '..a.png'));
  });

  it('refuses a file symlink and a folder symlink that lead outside with IMAGE_OUTSIDE_DATASET', () => {
    const { dataset, elsewhere } = layout();
    symlinkSync(join(elsewhere, 'secret.png'), join(dataset, 'linked.png'));
    symlinkSync(elsewhere, join(dataset, 'linked-folder'));
    expect(() => resolveInside(dataset, 'linked.png')).toThrow(
      expect.objectContaining({ code: 'IMAGE_OUTSIDE_DATASET' }),
    );
    expect(() => resolveInside(dataset, 'linked-folder/secret.png')).toThrow(
      expect.objectContaining({ code: 'IMAGE_OUTSIDE_DATASET' }),
    );
  });

  it('follows symlinks that stay inside, a dataset folder that is itself a link, and passes missing files', () => {
    const { base, dataset } = layout();
    symlinkSync(join(dataset, 'real', 'a.png'), join(dataset, 'alias.png'));
    symlinkSync(join(dataset, 'real'), join(dataset, 'alias-folder'));
    symlinkSync(dataset, join(base, 'dataset-link'));
    expect(resolveInside(dataset, 'alias.png')).toBe(join(dataset, 'alias.png'));
    expect(resolveInside(dataset, 'alias-folder/a.png')).toBe(join(dataset, 'alias-folder', 'a.png'));
    expect(resolveInside(join(base, 'dataset-link'), 'real/a.png')).toBe(join(base, 'dataset-link', 'real', 'a.png'));
    // not there (yet): whoever reads it says IMAGE_MISSING
    expect(resolveInside(dataset, 'real/missing.png')).toBe(join(dataset, 'real', 'missing.png'));
  });

  it('checkRealPathWithin refuses a file outside by its real path only', () => {
    const { dataset, elsewhere } = layout();
    symlinkSync(elsewhere, join(dataset, 'linked-folder'));
    expect(() => checkRealPathWithin(dataset, join(dataset, 'real', 'a.png'))).not.toThrow();
    expect(() => checkRealPathWithin(dataset, join(dataset, 'linked-folder', 'secret.png'), 'secret.png')).toThrow(
      expect.objectContaining({ code: 'IMAGE_OUTSIDE_DATASET', details: { path: 'secret.png' } }),
    );
  });
});

describe('folders', () => {
  it('isWithin and commonFolder', () => {
    expect(isWithin('/a/b', '/a/b')).toBe(true);
    expect(isWithin('/a/b', '/a/b/c/d.png')).toBe(true);
    expect(isWithin('/a/b', '/a/bc')).toBe(false);
    expect(isWithin('/a/b', '/a')).toBe(false);
    expect(commonFolder(['/data/nih/images_001', '/data/nih/images_002/x'])).toBe('/data/nih');
    expect(commonFolder(['/data/nih/images_001'])).toBe('/data/nih/images_001');
    expect(commonFolder(['/data/a', '/srv/b'])).toBe('/');
    expect(commonFolder([])).toBeUndefined();
  });
});
