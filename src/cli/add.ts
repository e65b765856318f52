import { basename, extname, resolve } from 'node:path';
import type { Command } from 'commander';
import { selectBackend } from '../cascade/backend.js';
import { loadBundle } from '../cascade/bundle/load.js';
import { decodeGrey } from '../datasets/images/decode.js';
import { toIndexEntry } from '../indexer/entry.js';
import { SearchIndex } from '../store/search-index.js';
import { type BackendOptions, backendRequest, withBackendOption } from './backend-option.js';
import { DEFAULT_INDEX } from './build.js';

interface AddCliOptions extends BackendOptions {
  index: string;
  dataset: string;
  view?: string;
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
    .option('--json', 'machine-readable output')
    .action(async (images: string[], options: AddCliOptions) => {
      await selectBackend(backendRequest(options));
      const index = SearchIndex.open(options.index);
      const annotator = await loadBundle(index.bundleDir);
      try {
        const size = annotator.manifest.preprocessing.decodeSize;
        // Decoded before anything is written: one bad file leaves the index as it was.
        const decoded = await Promise.all(images.map((file) => decodeGrey(file, size)));
        const annotations = annotator.annotateDecoded(decoded);
        const entries = images.map((file, i) =>
          toIndexEntry(
            {
              imageId: `${options.dataset}:${basename(file, extname(file))}`,
              dataset: options.dataset,
              file: resolve(file),
              ...(options.view === undefined ? {} : { view: options.view.toUpperCase() }),
              truth: { annotations: [], findings: [] },
            },
            annotations[i] as (typeof annotations)[number],
          ),
        );
        index.add(entries);
        const ids = entries.map((e) => e.imageId);
        if (options.json) console.log(JSON.stringify({ added: ids, count: index.store.count() }));
        else console.log(`added ${ids.join(', ')}; the index holds ${index.store.count()} images`);
      } finally {
        annotator.dispose();
        index.close();
      }
    });
}
