import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('cxr quickstart (the README main job) and cxr serve', () => {
  const workspace = join(tempDir(), 'ws');

  it('builds the sample index end to end, then serves it: the page and a search answer over real HTTP', async () => {
    // A small, short version of `npm start`: the same stages, seconds instead of minutes.
    const small = ['--workspace', workspace, '--count', '150', '--epochs', '1', '--rnn-epochs', '1'];
    const built = runCli(['quickstart', ...small, '--no-serve']);
    expect(built.status, built.stderr).toBe(0);
    expect(built.stdout).toMatch(/imported 150 sample studies/);
    expect(built.stdout).toMatch(/indexed 150 images into/);
    expect(existsSync(join(workspace, 'index', 'CURRENT'))).toBe(true);
    expect(existsSync(join(workspace, 'bundle', 'report.html'))).toBe(true);

    const server = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'quickstart', ...small, '--port', '0'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`no address printed: ${out}`)), 60_000);
        server.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /serving (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (match) {
            clearTimeout(timer);
            resolve(match[1] as string);
          }
        });
      });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>cxr-search</title>');
      const search = await fetch(`${url}api/search?q=${encodeURIComponent('left lower lobe effusion')}`);
      expect(search.status).toBe(200);
      const body = (await search.json()) as { parse: { concepts: Array<{ disease: string }> }; hits: unknown[] };
      expect(body.parse.concepts[0]?.disease).toBe('pleural effusion');
      const health = (await (await fetch(`${url}api/health`)).json()) as { images: number };
      expect(health.images).toBe(150);
    } finally {
      server.kill('SIGTERM');
    }
    const code = await new Promise<number | null>((resolve) => server.once('exit', resolve));
    expect(code === 0 || code === null).toBe(true);
  }, 120_000);
});
