import type { Command } from 'commander';
import { SearchEngine } from '../search/engine.js';
import { DEFAULT_INDEX } from './build.js';
import { integerOption } from './shared-options.js';

/**
 * `cxr remove ID…`: take images out of the index (both HNSW indexes and SQLite), without a rebuild. The removal is
 * recorded, so a rebuild does not bring them back; an uploaded image's file is deleted with it.
 */
export function registerRemoveCommand(program: Command): void {
  program
    .command('remove')
    .description('Remove images from the index by id')
    .argument('<ids...>', 'indexed image ids')
    .option('--index <dir>', 'the search index folder', DEFAULT_INDEX)
    .option('--wait <seconds>', 'how long to wait for another process writing the index (then INDEX_BUSY)', '10')
    .option('--json', 'machine-readable output')
    .action(async (ids: string[], options: { index: string; wait: string; json?: boolean }) => {
      const engine = SearchEngine.open(options.index, {
        writeWaitMs: integerOption('wait', options.wait, 0, 3600) * 1000,
      });
      try {
        const removed = await engine.removeImages(ids);
        const missing = ids.filter((id) => !removed.includes(id));
        const count = engine.index.store.count();
        if (options.json) console.log(JSON.stringify({ removed, missing, count }));
        else {
          console.log(`removed ${removed.length}; the index holds ${count} images`);
          if (missing.length > 0) console.log(`not indexed: ${missing.join(', ')}`);
        }
      } finally {
        await engine.close();
      }
    });
}
