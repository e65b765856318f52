import type { Command } from 'commander';
import { DEFAULT_RELOCATE_SAMPLE, type RelocationCheck, relocateDataset } from '../store/relocate.js';
import { DEFAULT_INDEX } from './build.js';
import { integerOption, withCatalogOption } from './shared-options.js';

interface RelocateCliOptions {
  catalog: string;
  index: string;
  dataset: string;
  root: string;
  sample: string;
  force?: boolean;
  json?: boolean;
}

/** `cxr relocate --dataset NAME --root DIR`: the collection moved; record where, in the catalog and the index. */
export function registerRelocateCommand(program: Command): void {
  withCatalogOption(program.command('relocate'))
    .description('Record the new folder of a dataset that moved (catalog and index), without re-importing')
    .requiredOption('--dataset <name>', 'the dataset that moved')
    .requiredOption('--root <dir>', 'the folder its images are in now (the one its image folder was under)')
    .option('--index <dir>', 'the search index folder', DEFAULT_INDEX)
    .option('--sample <n>', 'images checked under the new folder, or "all"', String(DEFAULT_RELOCATE_SAMPLE))
    .option('--force', 'record the folder even when none of the checked images is there')
    .option('--json', 'machine-readable output')
    .action((options: RelocateCliOptions) => {
      const checks = relocateDataset({
        dataset: options.dataset,
        root: options.root,
        catalog: options.catalog,
        index: options.index,
        sample: options.sample === 'all' ? 'all' : integerOption('sample', options.sample, 1),
        force: options.force === true,
      });
      if (options.json) console.log(JSON.stringify({ dataset: options.dataset, checks }, null, 2));
      else for (const check of checks) console.log(describe(check));
    });
}

function describe(check: RelocationCheck): string {
  const from = check.previousRoot === undefined ? '' : ` (was ${check.previousRoot})`;
  const outside = check.outside > 0 ? `; ${check.outside} lead outside it (symlinks) and will not be read` : '';
  return `${check.place}: ${check.found} of ${check.checked} images checked are under ${check.root}${from}${outside}`;
}
