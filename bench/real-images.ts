/**
 * Does the cascade learn real radiographs? NIH ChestX-ray14 images (`../shared/data/nih-sample`, and
 * `../shared/data/nih-64`) imported and mined into a temporary catalog, cascade configurations trained on the
 * train patients, every test image annotated, against a baseline measured in the same run: logistic regression on
 * standardised 32×32 pixels. Per scorer: AUROC Pneumonia vs No Finding with a by-patient bootstrap 95% interval,
 * the paired difference to the pixel model, per-finding AUROC, ECE of the Pneumonia probability, image-neighbour
 * precision@10 and training time.
 *
 * `npm run bench:real -- [--configs defaults,previous] [--datasets nih-sample,nih-64] [--epochs N] [--quick]
 *  [--resamples 1000] [--json FILE] [--data DIR] [--data64 DIR]`
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { selectBackend } from '../src/cascade/backend.js';
import { tempDir } from '../test/helpers/fixtures.js';
import { cascadeScores } from './real/cascade-scores.js';
import { CONFIGS, shortened } from './real/configs.js';
import { type BenchData, type LabelledImage, nih64, nihSample } from './real/dataset.js';
import { reportScorer, type ScorerReport } from './real/metrics.js';
import { pixelScores } from './real/pixel-model.js';
import { findingTable, scorerTable } from './real/report.js';
import { findingsPresent, pneumoniaLabel, type Scores } from './real/scores.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: resolve(repo, '../shared/data/nih-sample') },
    data64: { type: 'string', default: resolve(repo, '../shared/data/nih-64') },
    configs: { type: 'string', default: 'defaults,previous' },
    datasets: { type: 'string', default: 'nih-sample,nih-64' },
    epochs: { type: 'string' },
    quick: { type: 'boolean', default: false },
    resamples: { type: 'string', default: '1000' },
    json: { type: 'string' },
  },
});
const configNames = (values.configs as string).split(',').filter(Boolean);
for (const name of configNames) if (!(name in CONFIGS)) throw new Error(`unknown config ${name}`);
const epochs = values.epochs === undefined ? undefined : Number(values.epochs);
const resamples = Number(values.resamples);
const datasets = (values.datasets as string).split(',');
const work = tempDir('cxr-bench-real-');
const started = performance.now();
const output: Record<string, unknown> = { argv: process.argv.slice(2), started: new Date().toISOString() };

/** Trains and scores the pixel model and the named configurations on one collection; prints what it measured. */
async function runCollection(
  name: string,
  data: BenchData,
  configs: string[],
  mainTable: boolean,
): Promise<Record<string, unknown>> {
  const test = data.images.filter((image) => image.split === 'test');
  console.log(`\n## ${name}: ${describe(data)}`);
  const scores = await trainScorers(data, configs, test);
  const pixels = scores[0];
  const reports = scores.map((s) => reportScorer(s, test, s === pixels ? undefined : pixels, resamples));
  printReports(name, reports, test, mainTable);
  return {
    splitNote: data.splitNote,
    reports,
    details: Object.fromEntries(scores.map((s) => [s.name, s.details])),
    test: test.map((image, i) => ({
      id: image.id,
      patient: image.patient,
      findings: [...image.findings],
      pneumonia: Object.fromEntries(scores.map((s) => [s.name, s.pneumonia[i]])),
    })),
  };
}

function describe(data: BenchData): string {
  const count = (split: string) => data.images.filter((image) => image.split === split).length;
  const test = data.images.filter((image) => image.split === 'test');
  const judged = test.filter((image) => pneumoniaLabel(image) !== undefined).length;
  const patients = new Set(test.map((image) => image.patient)).size;
  return (
    `${data.images.length} labelled images (train ${count('train')}, validation ${count('validation')}, test ` +
    `${test.length}, of which ${judged} Pneumonia or No Finding; ${patients} test patients); split: ${data.splitNote}`
  );
}

/** The pixel baseline first (on the findings it can learn and be judged on), then each configuration. */
async function trainScorers(data: BenchData, configs: string[], test: LabelledImage[]): Promise<Scores[]> {
  const findings = findingsPresent([
    { images: data.images.filter((image) => image.split === 'train'), minimum: 5 },
    { images: test, minimum: 1 },
  ]);
  const scores: Scores[] = [await pixelScores(data.images, findings)];
  for (const config of configs) {
    const options = shortened(CONFIGS[config] ?? {}, epochs, values.quick as boolean);
    scores.push(await cascadeScores(`cascade ${config}`, data.catalog, data.dataset, options, test));
    // Said as soon as known: a long run stopped later still leaves this configuration's figure in the log.
    const early = reportScorer(scores.at(-1) as Scores, test, scores[0], resamples);
    process.stderr.write(`  ${scorerTable([early]).split('\n')[2]}\n`);
  }
  return scores;
}

function printReports(name: string, reports: ScorerReport[], test: LabelledImage[], mainTable: boolean): void {
  if (mainTable) console.log(`\n${scorerTable(reports)}`);
  console.log(`\nPer-finding AUROC on the ${test.length} test images (${name}):\n\n${findingTable(reports, test)}`);
  if (mainTable) return;
  const times = reports.map(
    (r) => `${r.name} ${r.trainingSeconds.toFixed(0)} (CPU ${r.trainingCpuSeconds.toFixed(0)})`,
  );
  console.log(`\ntraining s: ${times.join(', ')}`);
}

/** Everything measured so far (after each collection, so a stopped run keeps what it finished). */
function writeJson(): void {
  if (values.json === undefined) return;
  const runSeconds = (performance.now() - started) / 1000;
  writeFileSync(values.json, `${JSON.stringify({ ...output, runSeconds }, null, 2)}\n`);
}

async function collection(name: string, dir: string, load: typeof nihSample, names: string[], main: boolean) {
  if (!datasets.includes(name)) return;
  if (!existsSync(dir)) {
    console.log(`${name}: ${dir} is absent (real data lives only beside the repository); nothing measured`);
    return;
  }
  const data = await load(dir, work);
  try {
    output[name] = await runCollection(name, data, names, main);
    writeJson();
  } finally {
    data.catalog.close();
  }
}

const backend = await selectBackend();
console.log(`backend ${backend.choice}; configs ${configNames.join(', ')}${values.quick ? ' (quick)' : ''}`);
await collection('nih-sample', values.data as string, nihSample, configNames, true);
// The second collection against the library defaults only (the configuration being chosen).
await collection('nih-64', values.data64 as string, nih64, configNames.includes('defaults') ? ['defaults'] : [], false);
console.log(`\nrun ${((performance.now() - started) / 1000).toFixed(0)} s`);
if (values.json !== undefined) console.log(`wrote ${values.json}`);
rmSync(work, { recursive: true, force: true });
