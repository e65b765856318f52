import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/store/catalog.js';
import { openiXml, tempDir, writeImage, writeText } from '../helpers/fixtures.js';
import { importInto } from '../helpers/import.js';

describe('catalog', () => {
  it('is a WAL-mode SQLite file with the schema of db/ applied', () => {
    const path = join(tempDir(), 'c.sqlite');
    const catalog = Catalog.open(path);
    expect(catalog.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(catalog.db.pragma('user_version', { simple: true })).toBe(4); // db/001 to db/004
    const tables = (
      catalog.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{
        name: string;
      }>
    ).map((row) => row.name);
    expect(tables).toEqual([
      'annotations',
      'dataset_roots',
      'image_labels',
      'images',
      'imports',
      'label_runs',
      'patients',
      'report_findings',
      'reports',
      'studies',
    ]);
    catalog.close();
  });

  it('refuses a catalog from a newer schema with CATALOG_SCHEMA', () => {
    const path = join(tempDir(), 'future.sqlite');
    const db = new Database(path);
    db.pragma('user_version = 99');
    db.close();
    expect(() => Catalog.open(path)).toThrow(expect.objectContaining({ code: 'CATALOG_SCHEMA' }));
  });

  it('loses nothing when a re-import meets files that went bad', async () => {
    const root = tempDir();
    const reports = join(root, 'reports');
    const images = join(root, 'images');
    writeText(join(reports, '1.xml'), openiXml(1, ['Cardiomegaly/mild'], ['A', 'B']));
    writeText(join(reports, '2.xml'), openiXml(2, ['normal'], ['C']));
    for (const id of ['A', 'B', 'C']) await writeImage(join(images, `${id}.png`));
    const { catalog } = await importInto('openi', reports, { images });
    const before = catalog.db.prepare('SELECT * FROM images ORDER BY id').all();
    // Now B is corrupt, C is gone and report 2 is malformed: the catalog keeps what it had for all three.
    writeFileSync(join(images, 'B.png'), 'broken');
    rmSync(join(images, 'C.png'));
    writeText(join(reports, '2.xml'), '<eCitation>');
    writeText(join(reports, '1.xml'), openiXml(1, ['Cardiomegaly/moderate'], ['A', 'B']));
    const again = await importInto('openi', reports, { images }, catalog);
    expect(again.summary.skippedItems.map((item) => item.code).sort()).toEqual([
      'IMAGE_UNSUPPORTED',
      'REPORT_MALFORMED',
    ]);
    expect(catalog.db.prepare('SELECT * FROM images ORDER BY id').all()).toEqual(before);
    // The good change to report 1 did land.
    expect(catalog.db.prepare("SELECT severity FROM annotations WHERE study_id = 'openi:1'").get()).toEqual({
      severity: 'moderate',
    });
    expect(catalog.stats().studies).toBe(2);
    catalog.close();
  });

  it('an interrupted import keeps what it wrote and the next run resumes without redoing it', async () => {
    const reports = join(tempDir(), 'reports');
    for (let i = 1; i <= 30; i++) writeText(join(reports, `${i}.xml`), openiXml(i, ['normal'], [`I${i}`]));
    const controller = new AbortController();
    const catalog = Catalog.open(join(tempDir(), 'c.sqlite'));
    const { resolveFormat } = await import('../../src/datasets/formats.js');
    const { runImport } = await import('../../src/datasets/import.js');
    const first = await runImport(catalog, 'openi', reports, resolveFormat('openi', reports, {}).events, {
      dataset: 'openi',
      allowMissingImages: true,
      batchSize: 5,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.records === 12) controller.abort();
      },
    });
    expect(first.interrupted).toBe(true);
    expect(catalog.stats().studies).toBe(12);
    const unfinished = catalog.db.prepare('SELECT finished_at FROM imports WHERE id = ?').get(first.importId);
    expect(unfinished).toEqual({ finished_at: null });
    const second = await importInto('openi', reports, { allowMissingImages: true }, catalog);
    expect(second.summary.unchanged).toBe(12);
    expect(second.summary.written).toBe(18);
    expect(catalog.stats().studies).toBe(30);
    catalog.close();
  });
});
