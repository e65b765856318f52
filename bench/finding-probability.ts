/**
 * What the per-finding head costs the index and text search: the same synthetic images indexed without the head (as
 * older bundles index) and with head probabilities for 14 findings, stored from the floor up — a pessimistic head:
 * an absent finding's probability is u⁴, so half of them pass the floor and 16% reach 0.5. A third copy of the
 * latter has the findings indexes of db/index/003 instead of 004's covering ones (the baseline for those). Reports
 * findings rows, file size and text-query latencies (p50, p99) on each, queries alternating between them.
 * `npx tsx bench/finding-probability.ts [--count 20000] [--queries 400] [--dir /tmp/cxr-bench-findings]`
 */
import { cpSync, existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { STORED_PROBABILITY_FLOOR } from '../src/indexer/entry.js';
import { Random } from '../src/random.js';
import { SearchEngine } from '../src/search/engine.js';
import type { IndexEntry } from '../src/store/index-store.js';
import { SearchIndex } from '../src/store/search-index.js';
import { SYNTHETIC_DISEASES, syntheticEntries, writeSyntheticGeneration } from '../test/helpers/synthetic-index.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '20000' },
    queries: { type: 'string', default: '400' },
    dir: { type: 'string', default: '/tmp/cxr-bench-findings' },
  },
});
const count = Number(values.count);
const queries = Number(values.queries);
const dir = values.dir as string;
const DIMS = 16;
/** A head of 14 findings, as ChestX-ray14's: the synthetic diseases and nine the images never show. */
const FINDINGS = [
  ...SYNTHETIC_DISEASES.filter((d) => d !== 'normal'),
  ...['atelectasis', 'consolidation', 'edema', 'emphysema', 'fibrosis', 'hernia', 'infiltration', 'mass'],
  ...['pleural thickening', 'pneumonia'],
];

/** The entry with head probabilities: its own finding likely (0.5–1), every other mostly near 0 (u⁴). */
function withHead(entry: IndexEntry, random: Random): IndexEntry {
  const own = entry.generated.findings[0];
  const probabilities = FINDINGS.map((finding) => ({
    finding,
    probability: finding === own?.disease ? 0.5 + 0.5 * random.next() : random.next() ** 4,
  }));
  const findings = entry.generated.findings.map((f) => {
    const p = probabilities.find((h) => h.finding === f.disease);
    return p === undefined ? f : { ...f, probability: p.probability };
  });
  const others = probabilities
    .filter((h) => h.finding !== own?.disease && h.probability >= STORED_PROBABILITY_FLOOR)
    .sort((a, b) => b.probability - a.probability)
    .map((h) => ({ disease: h.finding, locations: [], probability: h.probability }));
  return { ...entry, generated: { ...entry.generated, findings: [...findings, ...others] } };
}

if (existsSync(dir)) rmSync(dir, { recursive: true });
const random = new Random(7);
for (let start = 0; start < count; start += 10_000) {
  const slice = syntheticEntries(Math.min(10_000, count - start), DIMS, 500 + start).map((e, i) => ({
    ...e,
    imageId: `synthetic:${String(start + i).padStart(7, '0')}`,
  }));
  writeSyntheticGeneration(join(dir, 'without'), slice);
  writeSyntheticGeneration(
    join(dir, 'with'),
    slice.map((e) => withHead(e, random)),
  );
}

// The same index with 003's findings indexes (no source, probability or label in them).
cpSync(join(dir, 'with'), join(dir, 'narrow'), { recursive: true });
const narrow = new Database(join(dir, 'narrow', 'index.sqlite'));
narrow.exec(`DROP INDEX findings_disease; CREATE INDEX findings_disease ON findings(disease, side, severity);
  DROP INDEX findings_by_label; CREATE INDEX findings_by_label ON findings(label, source, disease, side, severity);
  VACUUM;`);
narrow.close();

const texts = [
  'left effusion',
  'small right pneumothorax',
  'cardiomegaly',
  'nodule upper lobe',
  'pacemaker',
  'large bilateral effusion -pneumothorax',
  'cardiomegaly confidence:0.8',
  'no nodule',
];
const NAMES = ['without', 'with', 'narrow'] as const;
const LABELS = { without: 'without head', with: 'with head', narrow: 'with head, 003 indexes' };
const engines = Object.fromEntries(NAMES.map((n) => [n, new SearchEngine(SearchIndex.open(join(dir, n)))])) as Record<
  (typeof NAMES)[number],
  SearchEngine
>;
const latencies = { without: [] as number[], with: [] as number[], narrow: [] as number[] };
for (let i = 0; i < queries; i++) {
  for (const name of NAMES) {
    const at = performance.now();
    await engines[name].search({ text: texts[i % texts.length], k: 20 });
    latencies[name].push(performance.now() - at);
  }
}
const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] as number;

console.log(`\n${count} images, ${queries} text queries each (${texts.length} kinds, alternating indexes)\n`);
console.log('| index | findings rows | index.sqlite MB | text p50 ms | text p99 ms |\n|---|---|---|---|---|');
for (const name of NAMES) {
  const rows = (engines[name].index.store.db.prepare('SELECT count(*) AS n FROM findings').get() as { n: number }).n;
  const mb = statSync(join(dir, name, 'index.sqlite')).size / 1e6;
  const xs = latencies[name];
  console.log(
    `| ${LABELS[name]} | ${rows} | ${mb.toFixed(1)} | ${percentile(xs, 50).toFixed(2)} | ${percentile(xs, 99).toFixed(2)} |`,
  );
  await engines[name].close();
}
