/**
 * The search engine at scale: 100,000 synthetic images (embedding size of a default bundle, 640) with 100,000 FTS
 * rows. Reports build time, recall@10 of HNSW against exact search at the default ef, the exactness of a filter
 * matching 0.1% of images, text / image / hybrid latencies (p50, p99; image queries by vector, no CNN) and the time
 * to open the existing index. `npm run bench:search -- [--count 100000] [--dims 640] [--dir /tmp/cxr-bench-search]`
 */
import { existsSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SearchEngine } from '../src/search/engine.js';
import { exactNearest } from '../src/search/image-search.js';
import { SearchIndex } from '../src/store/search-index.js';
import { DEFAULT_VECTOR_INDEX_OPTIONS } from '../src/store/vector-index.js';
import { syntheticEntries, writeSyntheticGeneration } from '../test/helpers/synthetic-index.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '100000' },
    dims: { type: 'string', default: '640' },
    dir: { type: 'string', default: '/tmp/cxr-bench-search' },
    queries: { type: 'string', default: '200' },
    reuse: { type: 'boolean', default: false },
  },
});
const count = Number(values.count);
const dims = Number(values.dims);
const queries = Number(values.queries);
const dir = values.dir as string;

const seconds = (since: number) => (performance.now() - since) / 1000;
const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
};

let started = performance.now();
const reuse = values.reuse === true && existsSync(dir);
if (!reuse && existsSync(dir)) rmSync(dir, { recursive: true });
const batch = 10_000;
for (let start = 0; !reuse && start < count; start += batch) {
  // Written in slices so 100,000 entries never sit in memory at once; ids stay unique across slices.
  const slice = syntheticEntries(Math.min(batch, count - start), dims, 1000 + start).map((e, i) => ({
    ...e,
    imageId: `synthetic:${String(start + i).padStart(7, '0')}`,
  }));
  writeSyntheticGeneration(dir, slice);
}
const writeSeconds = seconds(started);
started = performance.now();
let index = SearchIndex.open(dir);
index.vectors('final');
const hnswSeconds = seconds(started);
index.close();
console.log(
  reuse
    ? `reusing ${dir}: HNSW (final) loaded in ${hnswSeconds.toFixed(1)} s`
    : `${count} entries × ${dims} dims: SQLite + FTS5 ${writeSeconds.toFixed(1)} s, HNSW (final) ${hnswSeconds.toFixed(1)} s`,
);

started = performance.now();
index = SearchIndex.open(dir);
const engine = new SearchEngine(index);
await engine.search({ image: { vector: new Float32Array(dims).fill(0.1) }, k: 10 });
const openSeconds = seconds(started);

const probe = syntheticEntries(queries, dims, 424242);
let found = 0;
for (const entry of probe) {
  const query = entry.embeddings.final;
  const approx = index
    .vectors('final')
    .search(query, 10)
    .map((h) => h.label);
  const exact = exactNearest(index, query, 'final', 10).map((h) => h.label);
  found += approx.filter((label) => exact.includes(label)).length;
}
const recall = found / (10 * probe.length);

// A filter matching 0.1% of images: dataset rows relabelled, then the planner must score them exactly.
const rare = Math.round(count / 1000);
// Readers open read-only: a write through the store's own API first makes it a writer for the raw UPDATEs below.
index.store.setMeta('bench_relabelled_at', new Date().toISOString());
index.store.db.prepare("UPDATE entries SET dataset = 'synthetic' WHERE dataset = 'rare'").run();
index.store.db.prepare("UPDATE entries SET dataset = 'rare' WHERE label <= ?").run(rare);
let exactMatches = 0;
for (const entry of probe.slice(0, 50)) {
  const response = await engine.search({
    image: { vector: entry.embeddings.final },
    filters: { dataset: 'rare' },
    k: 10,
  });
  const truth = exactNearest(
    index,
    entry.embeddings.final,
    'final',
    10,
    Array.from({ length: rare }, (_, i) => i + 1),
  );
  const got = response.hits.map((h) => h.imageId);
  const want = index.store.entries(truth.map((t) => t.label)).map((e) => e.imageId);
  if (JSON.stringify(got) === JSON.stringify(want) && response.plan.image?.strategy === 'exact') exactMatches++;
}

const texts = [
  'left effusion',
  'small right pneumothorax',
  'cardiomegaly',
  'nodule upper lobe',
  'pacemaker',
  'large bilateral effusion -pneumothorax',
  'disease:nodule side:left',
  'sternotomy wires',
];
const time = async (run: () => Promise<unknown>) => {
  const at = performance.now();
  await run();
  return performance.now() - at;
};
const latencies = {
  text: [] as number[],
  image: [] as number[],
  imageFiltered: [] as number[],
  hybrid: [] as number[],
};
for (let i = 0; i < queries; i++) {
  const text = texts[i % texts.length] as string;
  const vector = (probe[i] ?? probe[0])?.embeddings.final as Float32Array;
  latencies.text.push(await time(() => engine.search({ text, k: 20 })));
  latencies.image.push(await time(() => engine.search({ image: { vector }, k: 20 })));
  latencies.imageFiltered.push(
    await time(() => engine.search({ image: { vector }, filters: { view: 'LATERAL' }, k: 20 })),
  );
  latencies.hybrid.push(await time(() => engine.search({ text, image: { vector }, k: 20 })));
}
await engine.close();

console.log(`\n| measure | value |\n|---|---|`);
console.log(`| entries / dims | ${count} / ${dims} |`);
console.log(
  `| recall@10 vs exact, default ef ${DEFAULT_VECTOR_INDEX_OPTIONS.efSearch} (${probe.length} queries) | ${recall.toFixed(4)} |`,
);
console.log(`| filter matching 0.1% (${rare} images): exact top-10 | ${exactMatches}/50 queries |`);
for (const [name, xs] of Object.entries(latencies)) {
  console.log(`| ${name} latency p50 / p99 | ${percentile(xs, 50).toFixed(1)} / ${percentile(xs, 99).toFixed(1)} ms |`);
}
console.log(`| open existing index + first image query | ${(openSeconds * 1000).toFixed(0)} ms |`);
