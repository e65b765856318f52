import { join } from 'node:path';
import { type Format, type FormatOptions, resolveFormat } from '../../src/datasets/formats.js';
import { type ImportOptions, type ImportSummary, runImport } from '../../src/datasets/import.js';
import { Catalog } from '../../src/store/catalog.js';
import { tempDir } from './fixtures.js';

/** Imports `source` in `format` into `catalog` (a new temporary one by default), as `cxr import` does. */
export async function importInto(
  format: Format,
  source: string,
  options: Partial<ImportOptions> & FormatOptions = {},
  catalog = Catalog.open(join(tempDir(), 'catalog.sqlite')),
): Promise<{ catalog: Catalog; summary: ImportSummary }> {
  const resolved = resolveFormat(format, source, options);
  const summary = await runImport(catalog, format, source, resolved.events, {
    dataset: options.dataset ?? resolved.dataset,
    images: options.images ?? options.dicom ?? resolved.defaultImages,
    allowMissingImages: options.allowMissingImages,
    verify: options.verify,
    batchSize: options.batchSize,
    signal: options.signal,
  });
  return { catalog, summary };
}
