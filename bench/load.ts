/**
 * Load on the HTTP API: `--clients` concurrent clients (default 50) for `--seconds` (default 30) of mixed queries
 * against an index served in this process — 60% text, 25% uploaded image (+ text half the time), 15% "more like
 * this" — counting errors and reporting throughput and p50/p99 per kind.
 * `npm run bench:load -- --index .cxr/index [--clients 50] [--seconds 30]`
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { parseArgs } from 'node:util';
import { selectBackend } from '../src/cascade/backend.js';
import { loadBundle } from '../src/cascade/bundle/load.js';
import { UPLOAD_DECODE_THREADS } from '../src/cli/serve.js';
import { SearchEngine } from '../src/search/engine.js';
import { createApp } from '../src/server/app.js';

const { values } = parseArgs({
  options: {
    index: { type: 'string', default: '.cxr/index' },
    clients: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '30' },
  },
});
await selectBackend('wasm');
const engine = SearchEngine.open(values.index as string, {
  loadAnnotator: (bundle) => loadBundle(bundle),
  decodeThreads: UPLOAD_DECODE_THREADS, // as cxr serve
});
const app = createApp({ engine, log: () => {} });
const server = await new Promise<Server>((resolve) => {
  const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
});
const address = server.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

const rows = (
  engine.index.store.db.prepare('SELECT image_id FROM entries ORDER BY label LIMIT 40').all() as Array<{
    image_id: string;
  }>
).map((row) => ({ image_id: row.image_id, file: engine.fileOf(row.image_id) })); // files are stored relative
const uploads = rows.slice(0, 20).map((row) => readFileSync(row.file));
const texts = [
  'left lower lobe effusion',
  'small right pneumothorax',
  'enlarged heart',
  'no effusion, cardiomegaly',
  'RUL nodule',
  'calcified granuloma',
  'normal',
  'moderate scoliosis',
];

type Kind = 'text' | 'image' | 'like';
const latencies: Record<Kind, number[]> = { text: [], image: [], like: [] };
const errors: string[] = [];
const deadline = performance.now() + Number(values.seconds) * 1000;

async function client(seed: number): Promise<void> {
  for (let n = seed; performance.now() < deadline; n += 7) {
    const roll = n % 20;
    const kind: Kind = roll < 12 ? 'text' : roll < 17 ? 'image' : 'like';
    const started = performance.now();
    let response: Response;
    if (kind === 'text') {
      response = await fetch(
        `${base}/api/search?${new URLSearchParams({ q: texts[n % texts.length] as string, k: '20' })}`,
      );
    } else if (kind === 'like') {
      response = await fetch(
        `${base}/api/search?${new URLSearchParams({ like: rows[n % rows.length]?.image_id as string, k: '20' })}`,
      );
    } else {
      const form = new FormData();
      form.append(
        'image',
        new Blob([new Uint8Array(uploads[n % uploads.length] as Buffer)], { type: 'image/png' }),
        'q.png',
      );
      if (n % 2 === 0) form.append('q', texts[n % texts.length] as string);
      response = await fetch(`${base}/api/search/image`, { method: 'POST', body: form });
    }
    const body = await response.text();
    if (!response.ok) errors.push(`${kind} ${response.status} ${body.slice(0, 120)}`);
    else latencies[kind].push(performance.now() - started);
  }
}

const started = performance.now();
await Promise.all(Array.from({ length: Number(values.clients) }, (_, i) => client(i)));
const elapsed = (performance.now() - started) / 1000;
server.close();
await engine.close();

const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;
const total = Object.values(latencies).reduce((sum, xs) => sum + xs.length, 0);
console.log(
  `${values.clients} clients, ${elapsed.toFixed(1)} s, index of ${rows.length > 0 ? engine.index.dimensions : 0}-d embeddings`,
);
console.log('\n| kind | requests | p50 ms | p99 ms |\n|---|---|---|---|');
for (const [kind, xs] of Object.entries(latencies)) {
  console.log(`| ${kind} | ${xs.length} | ${percentile(xs, 50).toFixed(0)} | ${percentile(xs, 99).toFixed(0)} |`);
}
console.log(`| all | ${total} (${(total / elapsed).toFixed(1)}/s) | | |`);
console.log(`errors: ${errors.length}${errors.length > 0 ? `\n${errors.slice(0, 5).join('\n')}` : ''}`);
