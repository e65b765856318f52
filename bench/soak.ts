/**
 * Soak: `--clients` concurrent clients (default 50) for `--minutes` (default 5) against a real `cxr serve` (a child
 * process) on a built sample index, reading (text, uploaded image, more like this, records, thumbnails) while a
 * writer adds, replaces or removes an image every 0.5 s over the API. Then a consistency check: every image added
 * and still there is found by id, by text and by image; every removed one is gone by all three; HNSW and SQLite
 * (opened by this process, as another reader would) hold the same labels; uploads/ holds one file per upload.
 * Reports errors (must be 0), p50/p99 per kind, and the server's RSS over time. A 503 with Retry-After (the
 * decode queue is full) is the server shedding load as designed: it is counted and retried after the wait, not an
 * error. `npm run bench:soak -- [--minutes 5] [--clients 50] [--index DIR] [--json]` (without --index, a 200-image
 * sample index is built in a temporary folder first, ~1 min).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { selectBackend } from '../src/cascade/backend.js';
import { loadBundle } from '../src/cascade/bundle/load.js';
import { buildIndex } from '../src/indexer/build-index.js';
import { Catalog } from '../src/store/catalog.js';
import { SearchIndex } from '../src/store/search-index.js';
import { tempDir } from '../test/helpers/fixtures.js';
import { sampleBundle } from '../test/helpers/sample-bundle.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const TOKEN = 'soak-token';
const WRITE_EVERY_MS = 500;

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '5' },
    clients: { type: 'string', default: '50' },
    index: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const minutes = Number(values.minutes);
const clients = Number(values.clients);

const indexDir = values.index ?? (await sampleIndex());
const server = await startServer(indexDir);
const base = server.url;

// Reads use images that no write touches, so every answer has one right status.
const reader = SearchIndex.open(indexDir);
const stable = reader.store.db.prepare('SELECT image_id, file FROM entries ORDER BY label LIMIT 40').all() as Array<{
  image_id: string;
  file: string;
}>;
reader.close();
const sources = stable.slice(0, 20).map((row) => readFileSync(row.file));
const texts = [
  'pleural effusion',
  'left lower lobe effusion',
  'enlarged heart',
  'no effusion',
  'pneumothorax',
  'normal',
];

type Kind = 'text' | 'image' | 'like' | 'record' | 'thumbnail' | 'add' | 'replace' | 'remove';
const latencies: Record<Kind, number[]> = {
  text: [],
  image: [],
  like: [],
  record: [],
  thumbnail: [],
  add: [],
  replace: [],
  remove: [],
};
const errors: string[] = [];
let shed = 0; // 503 + Retry-After answers, retried
const rss: Array<{ second: number; mb: number }> = [];
const started = performance.now();
const deadline = started + minutes * 60_000;

/** One request, retried after its Retry-After while the server sheds load; its latency counts from the first try. */
async function timed(kind: Kind, send: () => Promise<Response>, expected = [200]): Promise<Response | undefined> {
  const begun = performance.now();
  for (;;) {
    let response: Response;
    try {
      response = await send();
    } catch (error) {
      errors.push(`${kind}: ${(error as Error).message}`);
      return undefined;
    }
    const retryAfter = response.headers.get('retry-after');
    if (response.status === 503 && retryAfter !== null) {
      shed++;
      await response.arrayBuffer();
      await sleep(Number(retryAfter) * 1000);
      continue;
    }
    if (!expected.includes(response.status)) {
      errors.push(`${kind} ${response.status} ${(await response.text()).slice(0, 160)}`);
      return undefined;
    }
    latencies[kind].push(performance.now() - begun);
    return response;
  }
}

const upload = (bytes: Buffer, fields: Record<string, string> = {}) => {
  const form = new FormData();
  form.append('image', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), 'x.png');
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  return form;
};

async function client(seed: number): Promise<void> {
  for (let n = seed; performance.now() < deadline; n += 13) {
    const roll = n % 20;
    const row = stable[n % stable.length] as { image_id: string };
    const text = texts[n % texts.length] as string;
    let response: Response | undefined;
    if (roll < 8) {
      response = await timed('text', () => fetch(`${base}api/search?${new URLSearchParams({ q: text, k: '20' })}`));
    } else if (roll < 12) {
      const form = upload(sources[n % sources.length] as Buffer, n % 2 === 0 ? { q: text } : {});
      response = await timed('image', () => fetch(`${base}api/search/image`, { method: 'POST', body: form }));
    } else if (roll < 15) {
      response = await timed('like', () =>
        fetch(`${base}api/search?${new URLSearchParams({ like: row.image_id, k: '20' })}`),
      );
    } else if (roll < 18) {
      response = await timed('record', () => fetch(`${base}api/images/${encodeURIComponent(row.image_id)}`));
    } else {
      response = await timed('thumbnail', () =>
        fetch(`${base}api/images/${encodeURIComponent(row.image_id)}/thumbnail`),
      );
    }
    await response?.arrayBuffer();
  }
}

/** What the writer left: each present upload's source image, and every id it removed (and did not add back). */
const present = new Map<string, number>();
const removed = new Set<string>();
const auth = { Authorization: `Bearer ${TOKEN}` };

async function writer(): Promise<void> {
  for (let tick = 0; performance.now() < deadline; tick++) {
    const next = performance.now() + WRITE_EVERY_MS;
    const ids = [...present.keys()];
    const roll = tick % 10;
    if (roll < 4 || ids.length < 5) {
      const id = `soak-${tick}`;
      const source = tick % sources.length;
      const form = upload(sources[source] as Buffer, { id });
      if (await timed('add', () => fetch(`${base}api/images`, { method: 'POST', headers: auth, body: form }), [201])) {
        present.set(`uploads:${id}`, source);
        removed.delete(`uploads:${id}`);
      }
    } else if (roll < 7) {
      const id = ids[tick % ids.length] as string;
      const source = (tick * 7) % sources.length;
      const form = upload(sources[source] as Buffer, { id: id.split(':')[1] as string });
      if (
        await timed('replace', () => fetch(`${base}api/images`, { method: 'POST', headers: auth, body: form }), [201])
      ) {
        present.set(id, source);
      }
    } else {
      const id = ids[tick % ids.length] as string;
      const url = `${base}api/images/${encodeURIComponent(id)}`;
      if (await timed('remove', () => fetch(url, { method: 'DELETE', headers: auth }))) {
        present.delete(id);
        removed.add(id);
      }
    }
    await sleep(Math.max(0, next - performance.now()));
  }
}

async function sampleRss(): Promise<void> {
  while (performance.now() < deadline) {
    rss.push({ second: Math.round((performance.now() - started) / 1000), mb: rssMb(server.child.pid as number) });
    await sleep(15_000);
  }
}

await Promise.all([...Array.from({ length: clients }, (_, i) => client(i)), writer(), sampleRss()]);
const elapsed = (performance.now() - started) / 1000;
rss.push({ second: Math.round(elapsed), mb: rssMb(server.child.pid as number) });
const consistency = await checkConsistency();
server.child.kill('SIGTERM');
await new Promise((resolve) => server.child.once('exit', resolve));
consistency.push(...checkFiles());

const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;
const summary = {
  minutes,
  clients,
  seconds: Math.round(elapsed),
  errors: errors.length,
  errorSamples: errors.slice(0, 10),
  shed,
  kinds: Object.fromEntries(
    Object.entries(latencies).map(([kind, xs]) => [
      kind,
      { requests: xs.length, p50: Math.round(percentile(xs, 50)), p99: Math.round(percentile(xs, 99)) },
    ]),
  ),
  rssMb: rss,
  present: present.size,
  removed: removed.size,
  consistencyFailures: consistency,
};
if (values.json) console.log(JSON.stringify(summary, null, 2));
else {
  console.log(`${clients} clients + a writer every ${WRITE_EVERY_MS} ms, ${elapsed.toFixed(0)} s, index ${indexDir}`);
  console.log('\n| kind | requests | p50 ms | p99 ms |\n|---|---|---|---|');
  for (const [kind, row] of Object.entries(summary.kinds)) {
    console.log(`| ${kind} | ${row.requests} | ${row.p50} | ${row.p99} |`);
  }
  console.log(`\nerrors: ${errors.length}${errors.length > 0 ? `\n  ${errors.slice(0, 10).join('\n  ')}` : ''}`);
  console.log(`shed (503 + Retry-After, retried): ${shed}`);
  console.log(`server RSS (MB) by second: ${rss.map((r) => `${r.second}:${r.mb}`).join(' ')}`);
  console.log(`at the end: ${present.size} uploads present, ${removed.size} removed`);
  console.log(
    `consistency: ${consistency.length === 0 ? 'every check passed' : `${consistency.length} failures\n  ${consistency.slice(0, 20).join('\n  ')}`}`,
  );
}
process.exitCode = errors.length === 0 && consistency.length === 0 ? 0 : 1;

/** Every present upload by id, text and image; every removed one by none; checked over the API. */
async function checkConsistency(): Promise<string[]> {
  const failures: string[] = [];
  const json = async (response: Response) => (await response.json()) as Record<string, unknown>;
  const hitIds = (body: Record<string, unknown>, near = false) =>
    (body.hits as Array<{ imageId: string; why: { distance?: number } }>)
      .filter((hit) => !near || (hit.why.distance ?? 1) < 1e-4)
      .map((hit) => hit.imageId);
  const browse = hitIds(
    await json(await fetch(`${base}api/search?${new URLSearchParams({ q: 'dataset:uploads', k: '500' })}`)),
  );
  for (const [id, source] of present) {
    const record = await fetch(`${base}api/images/${encodeURIComponent(id)}`);
    if (record.status !== 200) {
      failures.push(`${id}: by id ${record.status}`);
      continue;
    }
    const disease = ((await json(record)).generated as { disease: string }).disease;
    const q = `${disease} dataset:uploads`;
    const byText = hitIds(await json(await fetch(`${base}api/search?${new URLSearchParams({ q, k: '500' })}`)));
    if (!byText.includes(id)) failures.push(`${id}: not found by text '${q}'`);
    const form = upload(sources[source] as Buffer, { k: '100' });
    const byImage = hitIds(await json(await fetch(`${base}api/search/image`, { method: 'POST', body: form })), true);
    if (!byImage.includes(id)) failures.push(`${id}: not found by its own image`);
  }
  for (const id of removed) {
    const record = await fetch(`${base}api/images/${encodeURIComponent(id)}`);
    await record.arrayBuffer();
    if (record.status !== 404) failures.push(`${id}: removed, but by id ${record.status}`);
    if (browse.includes(id)) failures.push(`${id}: removed, but found by text`);
  }
  if (browse.length !== present.size) failures.push(`text lists ${browse.length} uploads, not ${present.size}`);
  // Image search with every source image the writer used: no removed upload among the hits.
  for (const source of sources) {
    const form = upload(source, { k: '200' });
    const hits = hitIds(await json(await fetch(`${base}api/search/image`, { method: 'POST', body: form })));
    for (const id of hits) if (removed.has(id)) failures.push(`${id}: removed, but found by image`);
  }
  return failures;
}

/** HNSW and SQLite, read by this process once the server has stopped; one file in uploads/ per present upload. */
function checkFiles(): string[] {
  const failures: string[] = [];
  const index = SearchIndex.open(indexDir);
  const labels = index.store.labels();
  for (const kind of ['first', 'final'] as const) {
    const vectors = index.vectors(kind);
    const missing = [...labels].filter((label) => !vectors.has(label)).length;
    if (vectors.size !== labels.size || missing > 0) {
      failures.push(`${kind} HNSW holds ${vectors.size} labels, SQLite ${labels.size} (${missing} missing)`);
    }
  }
  index.close();
  const uploads = readdirSync(join(indexDir, 'uploads')).filter((name) => !name.endsWith('.tmp'));
  if (uploads.length !== present.size) failures.push(`uploads/ holds ${uploads.length} files, not ${present.size}`);
  return failures;
}

async function sampleIndex(): Promise<string> {
  await selectBackend('wasm');
  const sample = await sampleBundle(200, 31);
  const dir = join(tempDir('cxr-soak-'), 'index');
  const annotator = await loadBundle(sample.bundleDir);
  const catalog = Catalog.open(sample.catalogPath);
  await buildIndex(catalog, annotator, sample.bundleDir, dir);
  catalog.close();
  annotator.dispose();
  return dir;
}

/** `cxr serve` from source in a child process, as a user runs it; resolves with its URL once it listens. */
function startServer(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'serve',
      '--index',
      dir,
      '--port',
      '0',
      '--token',
      TOKEN,
      '--backend',
      'wasm',
    ],
    { cwd: ROOT, env: { ...process.env, CXR_LOG_LEVEL: 'error' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // Its request log is one line a request: only what is not a 2xx/3xx, 404, 503 is shown.
  child.stderr?.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (line !== '' && !line.includes('DECODE_BUSY') && !/ (2\d\d|3\d\d|404|503) [\d.]+ms$/.test(line))
        process.stderr.write(`[server] ${line}\n`);
    }
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /serving (http:\S+)/.exec(out)?.[1];
      if (url !== undefined) resolve({ child, url });
    });
    child.once('exit', (code) => reject(new Error(`cxr serve exited (${code}) before listening`)));
  });
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
