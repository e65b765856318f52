import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Random } from '../../src/random.js';

const CHILD = fileURLToPath(new URL('./query-child.ts', import.meta.url));

/** One image query in a child process: its hits, or its error code, or the signal that killed it. */
export function queryInChild(
  dir: string,
  kind?: 'first' | 'final',
): { labels?: number[]; code?: string; signal?: string | null; warning?: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', CHILD, dir, ...(kind ? [kind] : [])], {
    encoding: 'utf8',
    env: { ...process.env, CXR_LOG_LEVEL: 'error' },
    timeout: 120_000,
  });
  if (result.status !== 0)
    return { signal: result.signal, code: `exit ${result.status}: ${result.stderr.slice(-300)}` };
  const warning = /vector index \S+ is unusable/.test(result.stderr) ? 'rebuilt' : undefined;
  return { ...(JSON.parse(result.stdout) as { labels?: number[]; code?: string }), ...(warning ? { warning } : {}) };
}

/** `bytes` random bytes written over the middle of a file, which keeps its size. */
export function garbageInTheMiddle(file: string, bytes: number, seed = 3): void {
  const content = readFileSync(file);
  const random = new Random(seed);
  const start = Math.floor(content.length / 2 - bytes / 2);
  for (let i = 0; i < bytes; i++) content[start + i] = random.integer(0, 255);
  writeFileSync(file, content); // same size
}
