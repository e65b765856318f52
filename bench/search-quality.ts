/**
 * Search quality on an index of the sample dataset, judged by its ground truth on the held-out (test) images:
 * text-query precision@10 for every (disease, side) and (disease, severity) pair with at least 10 held-out images —
 * once over everything the index knows (`source:any`) and once over the cascade's generated annotations alone
 * (`source:generated`, what an unannotated collection would have) — and image-query precision@10 per disease
 * (neighbours sharing the query image's disease). `npm run bench:search-quality -- --index .cxr/index`
 */
import { parseArgs } from 'node:util';
import { SearchEngine } from '../src/search/engine.js';

const { values } = parseArgs({
  options: { index: { type: 'string', default: '.cxr/index' }, min: { type: 'string', default: '10' } },
});
const engine = SearchEngine.open(values.index as string);
const minImages = Number(values.min);
const db = engine.index.store.db;

type Pair = { disease: string; attribute: 'side' | 'severity'; value: string; images: number };
const pairs: Pair[] = [];
for (const attribute of ['side', 'severity'] as const) {
  const rows = db
    .prepare(
      `SELECT f.disease, f.${attribute} AS value, count(DISTINCT f.label) AS images FROM findings f JOIN entries e ON e.label = f.label
       WHERE f.source = 'truth' AND e.split = 'test' AND f.${attribute} IS NOT NULL GROUP BY 1, 2 HAVING images >= ? ORDER BY 1, 2`,
    )
    .all(minImages) as Array<Omit<Pair, 'attribute'>>;
  pairs.push(...rows.map((row) => ({ ...row, attribute })));
}

const relevant = (imageId: string, pair: Pair) =>
  db
    .prepare(
      `SELECT 1 FROM findings f JOIN entries e ON e.label = f.label WHERE e.image_id = ? AND f.source = 'truth' AND f.disease = ? AND f.${pair.attribute} = ?`,
    )
    .get(imageId, pair.disease, pair.value) !== undefined;

console.log('| query (held-out images) | images | P@10 any | P@10 generated |\n|---|---|---|---|');
const worst = { any: 1, generated: 1 };
for (const pair of pairs) {
  const precision: Record<'any' | 'generated', number> = { any: 0, generated: 0 };
  for (const source of ['any', 'generated'] as const) {
    const response = await engine.search({
      text: `${pair.value} ${pair.disease.replace('/', ' ')}`,
      filters: { split: 'test', source, [pair.attribute]: pair.value, disease: pair.disease },
      k: 10,
    });
    const hits = response.hits.slice(0, 10);
    precision[source] = hits.filter((hit) => relevant(hit.imageId, pair)).length / 10;
    worst[source] = Math.min(worst[source], precision[source]);
  }
  console.log(
    `| ${pair.value} ${pair.disease} | ${pair.images} | ${precision.any.toFixed(2)} | ${precision.generated.toFixed(2)} |`,
  );
}
console.log(`| worst | | ${worst.any.toFixed(2)} | ${worst.generated.toFixed(2)} |`);

// Image queries: each held-out image's 10 nearest other images (final CNN), judged by the truth's diseases.
const heldOut = db
  .prepare(
    `SELECT e.image_id AS id, group_concat(f.disease, '|') AS diseases FROM entries e JOIN findings f ON f.label = e.label AND f.source = 'truth' WHERE e.split = 'test' GROUP BY e.label`,
  )
  .all() as Array<{ id: string; diseases: string }>;
const diseasesOf = db.prepare(
  `SELECT group_concat(f.disease, '|') AS d FROM findings f JOIN entries e ON e.label = f.label WHERE e.image_id = ? AND f.source = 'truth'`,
);
const byDisease = new Map<string, number[]>();
for (const query of heldOut) {
  const wanted = query.diseases.split('|');
  const response = await engine.search({ image: { id: query.id }, k: 10 });
  const same = response.hits.filter((hit) => {
    const theirs = ((diseasesOf.get(hit.imageId) as { d: string | null }).d ?? '').split('|');
    return wanted.some((d) => theirs.includes(d));
  }).length;
  for (const disease of new Set(wanted)) byDisease.set(disease, [...(byDisease.get(disease) ?? []), same / 10]);
}
console.log('\n| image query: disease of the query image | queries | P@10 (same disease) |\n|---|---|---|');
for (const [disease, scores] of [...byDisease].sort((a, b) => b[1].length - a[1].length)) {
  console.log(`| ${disease} | ${scores.length} | ${(scores.reduce((a, b) => a + b, 0) / scores.length).toFixed(2)} |`);
}
await engine.close();
