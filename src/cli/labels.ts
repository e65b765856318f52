import type { Command } from 'commander';
import { type MiningStats, mineLabels } from '../labels/mine.js';
import { type RemineSummary, remineReports } from '../labels/report-findings.js';
import { Catalog } from '../store/catalog.js';
import { choiceOption, existingCatalogPath, integerOption, withCatalogOption } from './shared-options.js';

interface LabelsCliOptions {
  catalog: string;
  dataset?: string;
  minCases: string;
  seed: string;
  maxWords: string;
  minHeldOut: string;
  labels: string;
  remine?: boolean;
  json?: boolean;
}

/** `cxr labels`: mine classes, annotation sequences and splits from the catalog, and print their statistics. */
export function registerLabelsCommand(program: Command): void {
  withCatalogOption(program.command('labels'))
    .description('Mine labels (classes, sequences, splits) from the catalog and show statistics')
    .option('--dataset <name>', 'only this dataset (default: all)')
    .option('--min-cases <n>', 'images a pattern needs to become a class', '30')
    .option('--seed <n>', 'seed of the split', '1')
    .option('--max-words <n>', 'words per annotation sequence', '5')
    .option('--min-held-out <n>', 'images of each class kept for validation and for test, at least', '10')
    .option(
      '--labels <source>',
      'ground truth: auto (stated annotations, else what the miner read in the report) | mesh | dataset | reports (every report mined afresh)',
      'auto',
    )
    .option(
      '--remine',
      'first read every report without stated annotations again with the current miner, replacing its report findings (re-running changes nothing)',
    )
    .option('--json', 'machine-readable statistics on stdout')
    .action((options: LabelsCliOptions) => {
      // Options are checked before anything is read again or written.
      const mining = {
        dataset: options.dataset,
        minCases: integerOption('min-cases', options.minCases, 1),
        seed: integerOption('seed', options.seed, 0),
        maxWords: integerOption('max-words', options.maxWords, 1, 20),
        minHeldOut: integerOption('min-held-out', options.minHeldOut, 0),
        labels: choiceOption('labels', options.labels, ['auto', 'mesh', 'dataset', 'reports'] as const),
      };
      const catalog = Catalog.open(existingCatalogPath(options.catalog));
      try {
        const remined = options.remine ? remineReports(catalog, options.dataset) : undefined;
        if (remined !== undefined && !options.json) printRemined(remined);
        const stats = mineLabels(catalog, mining);
        if (options.json) console.log(JSON.stringify(remined === undefined ? stats : { ...stats, remined }, null, 2));
        else printStats(stats);
      } finally {
        catalog.close();
      }
    });
}

function printRemined(r: RemineSummary): void {
  console.log(
    `reports without annotations read again: ${r.reports} (${r.changed} changed), ${r.findings} report findings stored`,
  );
}

function printStats(stats: MiningStats): void {
  console.log(
    `${stats.images} images, ${stats.labelledImages} with a pattern, ${stats.classImages} in ${stats.classes.length} classes`,
  );
  console.log('\nclass                                        images  train  valid   test');
  for (const c of stats.classes) {
    console.log(
      `${c.name.padEnd(44)} ${String(c.images).padStart(6)} ${String(c.train).padStart(6)} ${String(c.validation).padStart(6)} ${String(c.test).padStart(6)}`,
    );
  }
  const a = stats.annotationLength;
  const s = stats.sequenceLength;
  console.log(
    `\nannotation length (words, all annotations): mean ${a.mean.toFixed(2)}, std ${a.std.toFixed(2)}, ${a.min}–${a.max}, n ${a.count}`,
  );
  console.log(
    `image sequences (class images, capped): mean ${s.mean.toFixed(2)}, std ${s.std.toFixed(2)}, max ${s.max}`,
  );
  console.log(
    `vocabulary: ${stats.vocabulary.size} words; most frequent: ${stats.vocabulary.words
      .slice(0, 12)
      .map((w) => `${w.word} ${w.count}`)
      .join(', ')}`,
  );
  console.log(
    `splits (class images): train ${stats.splits.train}, validation ${stats.splits.validation}, test ${stats.splits.test}`,
  );
}
