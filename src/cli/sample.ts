import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { renderGallery } from '../datasets/sample/gallery.js';
import { writeSampleDataset } from '../datasets/sample/generate.js';
import { cxrError } from '../errors.js';
import { createProgress } from './progress.js';
import { integerOption } from './shared-options.js';

interface SampleCliOptions {
  out?: string;
  count: string;
  size: string;
  seed: string;
  gallery?: string;
}

/** `cxr sample`: the built-in synthetic dataset (OpenI format), or `--gallery` a contact sheet of its findings. */
export function registerSampleCommand(program: Command): void {
  program
    .command('sample')
    .description('Write the built-in synthetic chest X-ray dataset (OpenI format), or a gallery of its findings')
    .option('--out <dir>', 'folder to write reports/, images/ and ground-truth.jsonl into')
    .option('--count <n>', 'studies (one frontal image each)', '2000')
    .option('--size <pixels>', 'image side', '256')
    .option('--seed <n>', 'the same seed writes the same dataset', '1')
    .option('--gallery <file.png>', 'write one captioned image per finding and grade instead')
    .action(async (options: SampleCliOptions) => {
      const size = integerOption('size', options.size, 32, 2048);
      if (options.gallery !== undefined) {
        await writeFile(options.gallery, await renderGallery(size));
        console.log(`gallery written to ${options.gallery}`);
        return;
      }
      if (options.out === undefined)
        throw cxrError('INVALID_OPTION', 'give --out DIR (or --gallery FILE.png)', { option: 'out' });
      const controller = new AbortController();
      const interrupt = () => controller.abort();
      process.once('SIGINT', interrupt);
      const progress = createProgress('sample', 'images');
      const summary = await writeSampleDataset(
        options.out,
        {
          count: integerOption('count', options.count, 1, 1_000_000),
          size,
          seed: integerOption('seed', options.seed, 0),
        },
        (done, total) => progress.update(done, total),
        controller.signal,
      );
      progress.stop();
      process.off('SIGINT', interrupt);
      console.log(
        `${summary.studies} studies in ${summary.out} (${summary.written} written, ${summary.reused} already there; ${summary.normal} normal)`,
      );
      console.log(`import it with: cxr import openi ${summary.out}/reports --images ${summary.out}/images`);
    });
}
