import type { Command } from 'commander';
import { UNCERTAIN_POLICIES } from '../datasets/chexpert.js';
import { MANIFEST_FIELDS, parseColumnMap } from '../datasets/columns.js';
import { compileIdPattern } from '../datasets/folder.js';
import { FOLDER_LAYOUT_HELP } from '../datasets/folder-labels.js';
import { FORMATS, importFormat } from '../datasets/formats.js';
import { type ImportSummary, MAX_LISTED_SKIPS, type VerifyLevel } from '../datasets/import.js';
import { READER_AGREEMENTS } from '../datasets/vindr.js';
import { cxrError } from '../errors.js';
import { Catalog } from '../store/catalog.js';
import { EXIT } from './exit-codes.js';
import { createProgress } from './progress.js';
import { choiceOption, withCatalogOption } from './shared-options.js';

interface ImportCliOptions {
  catalog: string;
  dataset?: string;
  images?: string;
  dicom?: string;
  projections?: string;
  boxes?: string;
  lists?: string;
  reports?: string;
  idPattern?: string;
  headers?: string;
  classes?: string;
  agreement: string;
  uncertain: string;
  allowMissingImages?: boolean;
  verify: string;
  columns?: string;
  labelSeparator?: string;
  json?: boolean;
}

/** `cxr import FORMAT SOURCE`: a dataset, in the format it was published in, into the catalog. */
export function registerImportCommand(program: Command): void {
  withCatalogOption(program.command('import'))
    .description('Import a dataset into the catalog')
    .argument('<format>', FORMATS.join(' | '))
    .argument(
      '<source>',
      'the report folder (openi), label CSV (chestxray14, chexpert, indiana-csv, rsna, vindr, siim, google-nih, padchest; .gz or .zip), folder (mimic, folder) or manifest',
    )
    .option('--dataset <name>', 'name to key records under (default: per format)')
    .option('--images <dir>', 'folder the image paths are relative to')
    .option('--dicom <dir>', 'openi: a folder of DICOM files instead of PNGs')
    .option('--projections <file>', 'indiana-csv: indiana_projections.csv')
    .option('--boxes <file>', 'chestxray14: BBox_List_2017.csv')
    .option('--lists <dir>', 'chestxray14: folder of train_val_list.txt / test_list.txt')
    .option('--reports <dir>', 'mimic: the folder of MIMIC-CXR report files files/pXX/pNNNNNNNN/sNNNNNNNN.txt')
    .option(
      '--id-pattern <regex>',
      'folder: named groups patient and/or study matched against each image path, e.g. "(?<patient>\\d+)_(?<study>\\d+)"',
    )
    .option('--headers <file>', 'rsna: stage_2_train_images_dicom_headers.csv(.gz) (default: beside the labels)')
    .option('--classes <file>', 'rsna: stage_2_detailed_class_info.csv (default: beside the labels)')
    .option(
      '--agreement <rule>',
      `vindr: a finding stated by a majority of an image's radiologists, or by any (${READER_AGREEMENTS.join(' | ')})`,
      'majority',
    )
    .option('--uncertain <policy>', `chexpert, mimic: uncertain labels (${UNCERTAIN_POLICIES.join(' | ')})`, 'keep')
    .option(
      '--columns <pairs>',
      `manifest: which column holds what, e.g. image=filename,patient=patientid,labels=finding,report=clinical_notes (fields: ${MANIFEST_FIELDS.join(', ')})`,
    )
    .option('--label-separator <text>', 'manifest: what separates the labels in one cell (default | or ;)')
    .option('--allow-missing-images', 'keep records whose image files are absent, marking the images missing')
    .option('--verify <level>', 'image check: decode | header | none', 'decode')
    .option('--json', 'machine-readable summary on stdout')
    .addHelpText('after', FOLDER_LAYOUT_HELP)
    .action(async (format: string, source: string, options: ImportCliOptions) => {
      // Options are checked before the catalog is opened: a mistyped command creates no file.
      const formatName = choiceOption('format', format, FORMATS);
      const uncertain = choiceOption('uncertain', options.uncertain, UNCERTAIN_POLICIES);
      const verify = choiceOption<VerifyLevel>('verify', options.verify, ['decode', 'header', 'none']);
      const columns = options.columns === undefined ? undefined : parseColumnMap(options.columns);
      if (options.labelSeparator === '')
        throw cxrError('INVALID_OPTION', '--label-separator must not be empty', { option: 'label-separator' });
      const agreement = choiceOption('agreement', options.agreement, READER_AGREEMENTS);
      if (options.idPattern !== undefined) compileIdPattern(options.idPattern);
      const catalog = Catalog.open(options.catalog);
      const controller = new AbortController();
      const interrupt = () => controller.abort();
      process.once('SIGINT', interrupt);
      const progress = createProgress(`import ${format}`, 'records', options.json);
      try {
        const { dataset, summary } = await importFormat(catalog, formatName, source, {
          dataset: options.dataset,
          images: options.images,
          dicom: options.dicom,
          projections: options.projections,
          boxes: options.boxes,
          lists: options.lists,
          reports: options.reports,
          idPattern: options.idPattern,
          headers: options.headers,
          classes: options.classes,
          agreement,
          uncertain,
          allowMissingImages: options.allowMissingImages,
          columns,
          labelSeparator: options.labelSeparator,
          verify,
          signal: controller.signal,
          onProgress: (p) => progress.update(p.records, p.total),
        });
        progress.stop();
        report(summary, options.json === true, catalog.stats(dataset));
        // Everything skipped, nothing written: a failure however many rows were read (the cause is printed).
        if (summary.written === 0 && summary.unchanged === 0 && summary.skipped > 0) process.exitCode = EXIT.input;
      } finally {
        process.off('SIGINT', interrupt);
        catalog.close();
      }
    });
}

function report(summary: ImportSummary, json: boolean, stats: ReturnType<Catalog['stats']>): void {
  if (json) {
    console.log(JSON.stringify({ ...summary, catalog: stats }, null, 2));
    return;
  }
  const notWritten = summary.withoutImages > 0 ? `, ${summary.withoutImages} not written (no usable image)` : '';
  console.log(`${summary.records} records: ${summary.written} written, ${summary.unchanged} unchanged${notWritten}`);
  const missing = summary.missingImages > 0 ? ` (${summary.missingImages} of them recorded without a file)` : '';
  console.log(`images: ${summary.images} written${missing}, ${summary.refusedImages} refused`);
  console.log(
    `catalog: ${stats.studies} studies, ${stats.images} images, ${stats.reports} reports (${stats.reportsWithoutImages} without images, ${stats.normalStudies} normal), ${stats.annotations} annotations; ${stats.reportFindings} findings read in reports without annotations`,
  );
  if (summary.skipped > 0) {
    const byCode = Object.entries(summary.skippedByCode)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([code, n]) => `${n} ${code}`)
      .join(', ');
    console.log(`skipped ${summary.skipped}: ${byCode}`);
    for (const item of summary.skippedItems.slice(0, 50)) console.log(`  ${item.code}  ${item.item}  ${item.message}`);
    if (summary.skipped > 50)
      console.log(`  … and ${summary.skipped - 50} more (--json lists the first ${MAX_LISTED_SKIPS})`);
  }
  const hint = likelyCause(summary);
  if (hint !== undefined) console.log(hint);
  if (summary.interrupted)
    console.log('interrupted: run the same command again to resume (unchanged records are not redone)');
}

/** When nothing could be written because no image was found, the likely cause: the image folder. */
function likelyCause(summary: ImportSummary): string | undefined {
  const missing = summary.skippedByCode.IMAGE_MISSING ?? 0;
  if (summary.written > 0 || summary.unchanged > 0 || missing === 0 || missing < summary.refusedImages)
    return undefined;
  return summary.imageFolder === undefined
    ? 'no image folder: name it with --images DIR, or keep the records without files with --allow-missing-images'
    : `no image file was found under ${summary.imageFolder}: is --images right? (image paths are read relative to it)`;
}
