/**
 * Import → labels → training-set assembly → index listing at real sizes: the full ChestX-ray14 label file (112,120
 * rows) and a generated MIMIC-CXR-shaped collection of 400,000 images (images absent in both). Each step runs in a
 * child process of its own, as a user runs it, and prints its wall time and peak RSS.
 *
 * `npm run bench:scale -- [--rows N] [--label-file PATH] [--work DIR]`; defaults: 400000, ../shared/data/label-files
 * and a temporary folder (removed after; a `--work` folder is kept, with its catalogs, to look into).
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { loadTrainingSet } from '../src/cascade/data/training-set.js';
import { OBSERVATIONS } from '../src/datasets/chexpert.js';
import { listCatalogImages } from '../src/indexer/catalog-images.js';
import { Random } from '../src/random.js';
import { Catalog } from '../src/store/catalog.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SELF = fileURLToPath(import.meta.url);
/**
 * Printed by every child at exit: its peak resident set (KB) and CPU time (µs), which only the process itself can
 * read. CPU time is what to compare across runs on a shared machine; wall time waits for the other jobs.
 */
const REPORT_USAGE = `data:text/javascript,process.on("exit",()=>{const u=process.resourceUsage();process.stderr.write("\\nBENCH_USAGE "+u.maxRSS+" "+(u.userCPUTime+u.systemCPUTime)+"\\n")})`;

interface StepResult {
  step: string;
  seconds: number;
  cpuSeconds: number;
  peakMb: number;
  status: number | null;
  note: string;
}

/** A child step: the library call the CLI's command makes, for the steps that have no command of their own here. */
async function runStep(step: string, catalogPath: string): Promise<void> {
  const catalog = Catalog.open(catalogPath);
  try {
    if (step === 'training-set') {
      const set = await loadTrainingSet(catalog, { size: 64, threads: 1 });
      const labelled = (catalog.db.prepare('SELECT COUNT(*) AS n FROM image_labels').get() as { n: number }).n;
      console.log(
        `${labelled} labelled images; ${set.examples.length} with files decoded, ${set.skipped.length} skipped`,
      );
    } else if (step === 'index-listing') {
      console.log(`${listCatalogImages(catalog).length} images with files to annotate`);
    }
  } finally {
    catalog.close();
  }
}

function child(step: string, args: string[]): StepResult {
  const started = performance.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--import', REPORT_USAGE, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CXR_LOG_LEVEL: 'error' },
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = (performance.now() - started) / 1000;
  const usage = /BENCH_USAGE (\d+) (\d+)/.exec(result.stderr ?? '');
  const lastLine = (text: string) =>
    text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('BENCH_USAGE'))
      .at(-1) ?? '';
  const note = result.status === 0 ? lastLine(result.stdout) : `FAILED: ${lastLine(result.stderr)}`;
  return {
    step,
    seconds,
    cpuSeconds: usage === null ? Number.NaN : Number(usage[2]) / 1e6,
    peakMb: usage === null ? Number.NaN : Number(usage[1]) / 1024,
    status: result.status,
    note,
  };
}

function cli(step: string, args: string[]): StepResult {
  return child(step, ['src/cli/main.ts', ...args]);
}

/** The four steps on one collection, each in a fresh process. */
function pipeline(name: string, importArgs: string[], catalog: string): StepResult[] {
  const results = [
    cli(`${name}: cxr import`, ['import', ...importArgs, '--allow-missing-images', '--catalog', catalog]),
    cli(`${name}: cxr labels`, ['labels', '--catalog', catalog]),
    child(`${name}: training-set assembly`, [SELF, '--step', 'training-set', '--catalog', catalog]),
    child(`${name}: index listing`, [SELF, '--step', 'index-listing', '--catalog', catalog]),
  ];
  for (const r of results) print(r);
  return results;
}

function print(r: StepResult): void {
  console.log(
    `${r.step.padEnd(40)} ${r.seconds.toFixed(1).padStart(7)} s  ${r.cpuSeconds.toFixed(1).padStart(7)} s  ${r.peakMb.toFixed(0).padStart(6)} MB  ${r.note}`,
  );
}

/**
 * A MIMIC-CXR-JPG-shaped folder: metadata (one row per image), split (one per image) and the CheXpert labeler's file
 * (one row per study), gzipped as published. About 1.65 images per study and 6 studies per patient, as in MIMIC-CXR;
 * the findings' frequencies roughly MIMIC's (No Finding a third, effusion and opacity common, uncertain labels).
 */
async function writeMimicShaped(folder: string, images: number, seed = 7): Promise<void> {
  const random = new Random(seed);
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random.next() * 16).toString(16)).join('');
  const metadata = gzipWriter(join(folder, 'mimic-cxr-2.0.0-metadata.csv.gz'));
  const split = gzipWriter(join(folder, 'mimic-cxr-2.0.0-split.csv.gz'));
  const labels = gzipWriter(join(folder, 'mimic-cxr-2.0.0-chexpert.csv.gz'));
  await metadata.line(
    'dicom_id,subject_id,study_id,PerformedProcedureStepDescription,ViewPosition,Rows,Columns,StudyDate,StudyTime,ProcedureCodeSequence_CodeMeaning,ViewCodeSequence_CodeMeaning,PatientOrientationCodeSequence_CodeMeaning',
  );
  await split.line('dicom_id,study_id,subject_id,split');
  await labels.line(`subject_id,study_id,${[...OBSERVATIONS].sort().join(',')}`);
  const prevalence: Record<string, number> = {
    'Pleural Effusion': 0.24,
    'Lung Opacity': 0.22,
    Atelectasis: 0.2,
    Cardiomegaly: 0.19,
    'Support Devices': 0.29,
    Edema: 0.12,
    Pneumonia: 0.07,
    Consolidation: 0.05,
    Pneumothorax: 0.04,
    'Enlarged Cardiomediastinum': 0.03,
    Fracture: 0.02,
    'Lung Lesion': 0.03,
    'Pleural Other': 0.01,
  };
  let written = 0;
  let subject = 10_000_000;
  let study = 50_000_000;
  while (written < images) {
    subject += 1 + Math.floor(random.next() * 3);
    const studies = 1 + Math.floor(random.next() * 11);
    const splitName = random.next() < 0.01 ? 'test' : random.next() < 0.01 ? 'validate' : 'train';
    for (let s = 0; s < studies && written < images; s++) {
      study += 1 + Math.floor(random.next() * 40);
      const views = random.next() < 0.35 ? 1 : random.next() < 0.9 ? 2 : 3;
      for (let v = 0; v < views && written < images; v++, written++) {
        const id = `${hex(8)}-${hex(8)}-${hex(8)}-${hex(8)}-${hex(8)}`;
        const view = v === 0 ? (random.next() < 0.5 ? 'PA' : 'AP') : 'LATERAL';
        await metadata.line(
          `${id},${subject},${study},CHEST (PA AND LAT),${view},3056,2544,21800506,213014.531,CHEST (PA AND LAT),postero-anterior,Erect`,
        );
        await split.line(`${id},${study},${subject},${splitName}`);
      }
      const values = [...OBSERVATIONS].sort().map((name) => {
        const p = prevalence[name];
        if (p === undefined) return '';
        const draw = random.next();
        return draw < p ? '1.0' : draw < p * 1.25 ? '-1.0' : draw < p * 1.6 ? '0.0' : '';
      });
      const anyFinding = values.some((value) => value === '1.0');
      const noFindingAt = [...OBSERVATIONS].sort().indexOf('No Finding');
      values[noFindingAt] = anyFinding ? '' : '1.0';
      await labels.line(`${subject},${study},${values.join(',')}`);
    }
  }
  await Promise.all([metadata.close(), split.close(), labels.close()]);
}

/** Lines into a .gz file, waiting when the stream asks to (so 400k rows never pile up in memory). */
function gzipWriter(path: string) {
  const gzip = createGzip();
  const out = createWriteStream(path);
  gzip.pipe(out);
  return {
    line: async (text: string) => {
      if (!gzip.write(`${text}\n`)) await new Promise((resolve) => gzip.once('drain', resolve));
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        out.once('finish', () => resolve());
        out.once('error', reject);
        gzip.end();
      }),
  };
}

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at < 0 ? undefined : process.argv[at + 1];
}

const step = argument('--step');
if (step !== undefined) {
  await runStep(step, argument('--catalog') as string);
} else {
  const labelFile = resolve(
    argument('--label-file') ?? join(ROOT, '../shared/data/label-files/Data_Entry_2017_v2020.csv.gz'),
  );
  const rows = Number(argument('--rows') ?? 400_000);
  const kept = argument('--work');
  const work = kept === undefined ? mkdtempSync(join(tmpdir(), 'cxr-scale-')) : resolve(kept);
  mkdirSync(work, { recursive: true });
  try {
    console.log(`load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores`);
    console.log('step                                        wall       CPU  peak RSS  outcome');
    if (existsSync(labelFile)) {
      pipeline('ChestX-ray14 112k', ['chestxray14', labelFile], join(work, 'nih.sqlite'));
    } else {
      console.log(`no ChestX-ray14 label file at ${labelFile}: that collection is skipped (pass --label-file)`);
    }
    const mimic = join(work, 'mimic');
    const generated = performance.now();
    mkdirSync(mimic, { recursive: true });
    await writeMimicShaped(mimic, rows);
    console.log(
      `(generated a MIMIC-shaped collection of ${rows} images in ${((performance.now() - generated) / 1000).toFixed(1)} s)`,
    );
    pipeline(`MIMIC-shaped ${Math.round(rows / 1000)}k`, ['mimic', mimic], join(work, 'mimic.sqlite'));
  } finally {
    if (kept === undefined) rmSync(work, { recursive: true, force: true });
  }
}
