import type { Command } from 'commander';
import { SearchIndex } from '../store/search-index.js';
import { DEFAULT_INDEX } from './build.js';

/** `cxr remove ID…`: take images out of the index (both HNSW indexes and SQLite), without a rebuild. */
export function registerRemoveCommand(program: Command): void {
  program
    .command('remove')
    .description('Remove images from the index by id')
    .argument('<ids...>', 'indexed image ids')
    .option('--index <dir>', 'the search index folder', DEFAULT_INDEX)
    .option('--json', 'machine-readable output')
    .action((ids: string[], options: { index: string; json?: boolean }) => {
      const index = SearchIndex.open(options.index);
      try {
        const removed = index.remove(ids);
        const missing = ids.filter((id) => !removed.includes(id));
        if (options.json) console.log(JSON.stringify({ removed, missing, count: index.store.count() }));
        else {
          console.log(`removed ${removed.length}; the index holds ${index.store.count()} images`);
          if (missing.length > 0) console.log(`not indexed: ${missing.join(', ')}`);
        }
      } finally {
        index.close();
      }
    });
}
