import { mkdirSync, renameSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { listCatalogImages } from '../../src/indexer/catalog-images.js';
import { Catalog } from '../../src/store/catalog.js';
import { listMigrations, migrate } from '../../src/store/migrations.js';
import { tempDir, writeImage, writeText } from '../helpers/fixtures.js';
import { importInto } from '../helpers/import.js';

const paths = (catalog: Catalog) =>
  (catalog.db.prepare('SELECT id, path FROM images ORDER BY id').all() as Array<{ id: string; path: string }>).map(
    (row) => `${row.id} ${row.path}`,
  );

async function manifest(folder: string, images: string[]): Promise<string> {
  for (const image of images) await writeImage(join(folder, image));
  return writeText(join(folder, 'set.csv'), ['image,labels', ...images.map((image) => `${image},Effusion`)].join('\n'));
}

describe('dataset roots: image paths relative to a folder recorded once per dataset', () => {
  it('records the first image folder as the root; a folder outside it widens the root, rebasing stored paths', async () => {
    const base = tempDir();
    const first = await manifest(join(base, 'nih', 'images_001'), ['a.png', 'sub/b.png']);
    const { catalog } = await importInto('manifest', first, {
      dataset: 'nih',
      images: join(base, 'nih', 'images_001'),
    });
    expect(catalog.datasetRoot('nih')).toBe(join(base, 'nih', 'images_001'));
    expect(paths(catalog)).toEqual(['nih:a.png a.png', 'nih:sub/b.png sub/b.png']);
    // an image folder inside the root: paths stored with its place under the root
    await manifest(join(base, 'nih', 'images_001', 'more'), ['c.png']);
    await importInto(
      'manifest',
      join(base, 'nih', 'images_001', 'more', 'set.csv'),
      { dataset: 'nih', images: join(base, 'nih', 'images_001', 'more') },
      catalog,
    );
    expect(catalog.datasetRoot('nih')).toBe(join(base, 'nih', 'images_001'));
    expect(paths(catalog)).toContain('nih:c.png more/c.png');
    // a sibling folder: the root becomes the folder holding both
    const second = await manifest(join(base, 'nih', 'images_002'), ['d.png']);
    await importInto('manifest', second, { dataset: 'nih', images: join(base, 'nih', 'images_002') }, catalog);
    expect(catalog.datasetRoot('nih')).toBe(join(base, 'nih'));
    expect(paths(catalog)).toEqual([
      'nih:a.png images_001/a.png',
      'nih:c.png images_001/more/c.png',
      'nih:d.png images_002/d.png',
      'nih:sub/b.png images_001/sub/b.png',
    ]);
    expect(listCatalogImages(catalog).map((image) => image.file)).toEqual([
      join(base, 'nih', 'images_001', 'a.png'),
      join(base, 'nih', 'images_001', 'more', 'c.png'),
      join(base, 'nih', 'images_002', 'd.png'),
      join(base, 'nih', 'images_001', 'sub', 'b.png'),
    ]);
    // re-importing the first folder is still a no-op, and its paths stay rebased
    const again = await importInto(
      'manifest',
      first,
      { dataset: 'nih', images: join(base, 'nih', 'images_001') },
      catalog,
    );
    expect(again.summary.unchanged).toBe(2);
    expect(paths(catalog)).toContain('nih:a.png images_001/a.png');
    catalog.close();
  });

  it('an image folder that does not exist is not recorded: it never widens the root of the real one', async () => {
    const base = tempDir();
    const csv = await manifest(join(base, 'labels'), ['a.png']);
    const { catalog } = await importInto('manifest', csv, {
      dataset: 'set',
      images: join(base, 'not-yet'),
      allowMissingImages: true,
    });
    expect(catalog.datasetRoot('set')).toBeUndefined();
    expect(paths(catalog)).toEqual(['set:a.png a.png']);
    await importInto('manifest', csv, { dataset: 'set', images: join(base, 'labels') }, catalog);
    expect(catalog.datasetRoot('set')).toBe(join(base, 'labels'));
    expect(listCatalogImages(catalog).map((image) => image.file)).toEqual([join(base, 'labels', 'a.png')]);
    catalog.close();
  });

  it('a relocated dataset is read from its new folder', async () => {
    const base = tempDir();
    const csv = await manifest(join(base, 'old'), ['a.png']);
    const { catalog } = await importInto('manifest', csv, { dataset: 'set', images: join(base, 'old') });
    catalog.relocate('set', join(base, 'new'));
    expect(listCatalogImages(catalog).map((image) => [image.file, image.root])).toEqual([
      [join(base, 'new', 'a.png'), join(base, 'new')],
    ]);
    expect(catalog.imagePaths('set')).toEqual(['a.png']);
    catalog.close();
  });

  it('imagePaths samples evenly over the dataset', async () => {
    const base = tempDir();
    const names = Array.from({ length: 10 }, (_, i) => `${i}.png`);
    const csv = await manifest(join(base, 'imgs'), names);
    const { catalog } = await importInto('manifest', csv, {
      dataset: 'set',
      images: join(base, 'imgs'),
      verify: 'none',
    });
    expect(catalog.imagePaths('set', 5)).toEqual(['0.png', '2.png', '4.png', '6.png', '8.png']);
    expect(catalog.imagePaths('set', 50)).toHaveLength(10);
    catalog.close();
  });

  it('a catalog from before db/004 is rebased once: each dataset gets the folder of its imports as root', () => {
    const base = tempDir();
    const path = join(base, 'catalog.sqlite');
    const db = new Database(path);
    migrate(
      db,
      listMigrations().filter((m) => m.version <= 3),
    );
    const addImport = db.prepare(
      "INSERT INTO imports (id, importer, dataset, source, options, started_at) VALUES (?, 'manifest', ?, 's', ?, 't')",
    );
    addImport.run(1, 'nih', JSON.stringify({ images: join(base, 'nih', 'images_001') }));
    addImport.run(2, 'nih', JSON.stringify({ images: join(base, 'nih', 'images_002') }));
    addImport.run(3, 'openi', JSON.stringify({ images: join(base, 'openi') }));
    addImport.run(4, 'labels-only', JSON.stringify({}));
    const addImage = (id: string, dataset: string, importId: number, file: string) => {
      db.prepare("INSERT INTO studies (id, dataset, source_id, import_id, record_hash) VALUES (?, ?, ?, ?, 'h')").run(
        `${dataset}:${id}`,
        dataset,
        id,
        importId,
      );
      db.prepare("INSERT INTO images (id, study_id, path, status) VALUES (?, ?, ?, 'ok')").run(
        `${dataset}:${id}`,
        `${dataset}:${id}`,
        file,
      );
    };
    addImage('a', 'nih', 1, 'a.png');
    addImage('b', 'nih', 2, 'x/b.png');
    addImage('c', 'openi', 3, 'c.png');
    addImage('d', 'labels-only', 4, 'd.png');
    db.close();

    const catalog = Catalog.open(path);
    expect(catalog.datasetRoot('nih')).toBe(join(base, 'nih'));
    expect(catalog.datasetRoot('openi')).toBe(join(base, 'openi'));
    expect(catalog.datasetRoot('labels-only')).toBeUndefined();
    expect(paths(catalog)).toEqual([
      'labels-only:d d.png',
      'nih:a images_001/a.png',
      'nih:b images_002/x/b.png',
      'openi:c c.png',
    ]);
    catalog.close();
    // once: opening again changes nothing
    const reopened = Catalog.open(path);
    expect(paths(reopened)).toContain('nih:a images_001/a.png');
    reopened.close();
  });
});

describe('symlinks leaving the dataset folder', () => {
  it('are not imported (IMAGE_OUTSIDE_DATASET, listed), file and folder links alike; links inside are', async () => {
    const base = tempDir();
    const dataset = join(base, 'dataset');
    await writeImage(join(dataset, 'real', 'a.png'));
    await writeImage(join(base, 'elsewhere', 'secret.png'));
    symlinkSync(join(base, 'elsewhere', 'secret.png'), join(dataset, 'file-link.png'));
    symlinkSync(join(base, 'elsewhere'), join(dataset, 'folder-link'));
    symlinkSync(join(dataset, 'real', 'a.png'), join(dataset, 'inside-link.png'));
    const csv = writeText(
      join(dataset, 'set.csv'),
      [
        'image,labels',
        'real/a.png,Effusion',
        'file-link.png,Effusion',
        'folder-link/secret.png,Effusion',
        'inside-link.png,Effusion',
      ].join('\n'),
    );
    for (const verify of ['decode', 'none'] as const) {
      const { catalog, summary } = await importInto('manifest', csv, { dataset: 'set', images: dataset, verify });
      expect(summary.skippedItems.map((item) => `${item.code} ${item.item}`)).toEqual([
        'IMAGE_OUTSIDE_DATASET file-link.png',
        'IMAGE_OUTSIDE_DATASET folder-link/secret.png',
      ]);
      expect(paths(catalog)).toEqual(['set:inside-link.png inside-link.png', 'set:real/a.png real/a.png']);
      catalog.close();
    }
  });

  it('made after the import are not listed for indexing', async () => {
    const base = tempDir();
    const dataset = join(base, 'dataset');
    mkdirSync(join(base, 'elsewhere'), { recursive: true });
    const csv = await manifest(dataset, ['a.png', 'b/c.png']);
    const { catalog } = await importInto('manifest', csv, { dataset: 'set', images: dataset });
    // b/ is replaced by a link to a folder elsewhere holding a c.png
    renameSync(join(dataset, 'b'), join(base, 'elsewhere', 'b'));
    symlinkSync(join(base, 'elsewhere', 'b'), join(dataset, 'b'));
    expect(listCatalogImages(catalog).map((image) => image.imageId)).toEqual(['set:a.png']);
    catalog.close();
  });
});
