import type { Command } from 'commander';
import { selectBackend } from '../cascade/backend.js';
import { loadBundle } from '../cascade/bundle/load.js';
import { evaluateBundle } from '../cascade/evaluation/evaluate-bundle.js';
import { Catalog } from '../store/catalog.js';
import { type BackendOptions, backendRequest, withBackendOption } from './backend-option.js';
import { choiceOption, withCatalogOption } from './shared-options.js';

/** `cxr eval`: a model bundle on a mined catalog's held-out images. */
export function registerEvalCommand(program: Command): void {
  withBackendOption(withCatalogOption(program.command('eval')))
    .description("Evaluate a model bundle on the catalog's held-out images (accuracy, AUROC, BLEU)")
    .option('--bundle <dir>', 'the model bundle', '.cxr/bundle')
    .option('--dataset <name>', 'only this dataset (default: all)')
    .option('--split <name>', 'test | validation', 'test')
    .option('--json', 'machine-readable output')
    .action(
      async (
        options: BackendOptions & { catalog: string; bundle: string; dataset?: string; split: string; json?: boolean },
      ) => {
        await selectBackend(backendRequest(options));
        const annotator = await loadBundle(options.bundle);
        const catalog = Catalog.open(options.catalog);
        try {
          const result = await evaluateBundle(annotator, catalog, {
            dataset: options.dataset,
            split: choiceOption('split', options.split, ['test', 'validation'] as const),
          });
          if (options.json) {
            console.log(JSON.stringify(result, null, 2));
            return;
          }
          console.log(
            `${result.images} ${result.split} images: class accuracy ${result.classAccuracy.toFixed(3)}, mean AUROC ${result.meanAuroc.toFixed(3)}; BLEU-1 ${result.bleu1.toFixed(3)} BLEU-2 ${result.bleu2.toFixed(3)} BLEU-3 ${result.bleu3.toFixed(3)} BLEU-4 ${result.bleu4.toFixed(3)}`,
          );
          for (const [name, value] of Object.entries(result.auroc))
            console.log(`  AUROC ${name.padEnd(36)} ${value.toFixed(3)}`);
        } finally {
          catalog.close();
          annotator.dispose();
        }
      },
    );
}
