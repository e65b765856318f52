import type { Command } from 'commander';
import { selectBackend } from '../cascade/backend.js';
import { loadBundle } from '../cascade/bundle/load.js';
import { type BundleEvaluation, evaluateBundle } from '../cascade/evaluation/evaluate-bundle.js';
import { Catalog } from '../store/catalog.js';
import { type BackendOptions, backendRequest, withBackendOption } from './backend-option.js';
import { choiceOption, existingCatalogPath, withCatalogOption } from './shared-options.js';

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
        const split = choiceOption('split', options.split, ['test', 'validation'] as const);
        const annotator = await loadBundle(options.bundle);
        const uncalibrated = await loadBundle(options.bundle, { calibration: 'none' });
        const catalog = Catalog.open(existingCatalogPath(options.catalog));
        try {
          const result = await evaluateBundle(annotator, catalog, { dataset: options.dataset, split, uncalibrated });
          if (options.json) {
            console.log(JSON.stringify(result, null, 2));
            return;
          }
          console.log(
            `${result.images} ${result.split} images: class accuracy ${result.classAccuracy.toFixed(3)}, mean AUROC ${result.meanAuroc.toFixed(3)}; BLEU-1 ${result.bleu1.toFixed(3)} BLEU-2 ${result.bleu2.toFixed(3)} BLEU-3 ${result.bleu3.toFixed(3)} BLEU-4 ${result.bleu4.toFixed(3)}`,
          );
          for (const [name, value] of Object.entries(result.auroc))
            console.log(`  AUROC ${name.padEnd(36)} ${value.toFixed(3)}`);
          printFindings(result);
        } finally {
          catalog.close();
          annotator.dispose();
          uncalibrated.dispose();
        }
      },
    );
}

/** The finding head's table (CheXNet's form) and the calibration error before and after calibration. */
function printFindings(result: BundleEvaluation): void {
  const ece = (figure?: { before?: number; after: number }) =>
    figure === undefined ? '—' : `${figure.before?.toFixed(3) ?? '—'} → ${figure.after.toFixed(3)}`;
  console.log(
    `calibration, expected calibration error (10 bins) before → after: classes ${ece(result.calibration.classEce)}, findings ${ece(result.calibration.findingEce)}`,
  );
  if (result.findings.length === 0) return;
  console.log(`finding head on ${result.labelledImages} labelled ${result.split} images:`);
  console.log(`  ${'finding'.padEnd(30)} AUROC  95% CI (by patient)  positives  negatives`);
  for (const f of result.findings) {
    console.log(
      `  ${f.finding.padEnd(30)} ${f.auroc.toFixed(3)}  ${f.low.toFixed(3)} – ${f.high.toFixed(3)}        ${String(f.positives).padStart(9)}  ${String(f.negatives).padStart(9)}`,
    );
  }
}
