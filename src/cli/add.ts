import { basename, extname, resolve } from 'node:path';
import type { Command } from 'commander';
import { selectBackend } from '../cascade/backend.js';
import { loadBundle } from '../cascade/bundle/load.js';
import { SearchEngine } from '../search/engine.js';
import { type BackendOptions, backendRequest, withBackendOption } from './backend-option.js';
import { DEFAULT_INDEX } from './build.js';
import { integerOption } from './shared-options.js';

interface AddCliOptions extends BackendOptions {
  index: string;
  dataset: string;
  view?: string;
  wait: string;
  json?: boolean;
}

/** `cxr add IMAGE…`: annotate images with the index's own bundle and add them, without a rebuild. */
export function registerAddCommand(program: Command): void {
  withBackendOption(program.command('add'))
    .description("Add images to the index (annotated with the index's bundle); an existing id is replaced")
    .argument('<images...>', 'image files (PNG, JPEG, TIFF, DICOM)')
    .option('--index <dir>', 'the search index folder', DEFAULT_INDEX)
    .option('--dataset <name>', 'dataset name for the ids: <dataset>:<file name>', 'added')
    .option('--view <view>', 'the images’ view (PA, AP, LATERAL)')
    .option('--wait <seconds>', 'how long to wait for another process writing the index (then INDEX_BUSY)', '10')
    .option('--json', 'machine-readable output')
    .action(async (images: string[], options: AddCliOptions) => {
      const engine = SearchEngine.open(options.index, {
        loadAnnotator: async (bundle) => {
          await selectBackend(backendRequest(options));
          return loadBundle(bundle);
        },
        writeWaitMs: integerOption('wait', options.wait, 0, 3600) * 1000,
      });
      try {
        const ids = await engine.addImages(
          images.map((file) => ({
            imageId: `${options.dataset}:${basename(file, extname(file))}`,
            dataset: options.dataset,
            file: resolve(file),
            ...(options.view === undefined ? {} : { view: options.view.toUpperCase() }),
          })),
        );
        const count = engine.index.store.count();
        if (options.json) console.log(JSON.stringify({ added: ids, count }));
        else console.log(`added ${ids.join(', ')}; the index holds ${count} images`);
      } finally {
        await engine.close();
      }
    });
}
