import { join } from 'node:path';
import { type Format, type FormatOptions, importFormat } from '../../src/datasets/formats.js';
import type { ImportOptions, ImportSummary } from '../../src/datasets/import.js';
import { Catalog } from '../../src/store/catalog.js';
import { tempDir } from './fixtures.js';

/** Imports `source` in `format` into `catalog` (a new temporary one by default), as `cxr import` does. */
export async function importInto(
  format: Format,
  source: string,
  options: Partial<ImportOptions> & FormatOptions = {},
  catalog = Catalog.open(join(tempDir(), 'catalog.sqlite')),
): Promise<{ catalog: Catalog; summary: ImportSummary }> {
  const { summary } = await importFormat(catalog, format, source, options);
  return { catalog, summary };
}
