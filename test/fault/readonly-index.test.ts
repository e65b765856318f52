import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { SearchEngine } from '../../src/search/engine.js';
import { createApp } from '../../src/server/app.js';
import { SearchIndex } from '../../src/store/search-index.js';
import { runCli } from '../helpers/cli.js';
import { tempDir, writeText } from '../helpers/fixtures.js';
import { syntheticEntries, writeSyntheticGeneration } from '../helpers/synthetic-index.js';

/** Every file under `dir` with its size and modification time. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else files[relative(dir, path)] = `${statSync(path).size} ${statSync(path).mtimeMs}`;
    }
  };
  walk(dir);
  return files;
}

/** SQLite header bytes 18–19: 1 rollback journal, 2 WAL. */
function journalMode(file: string): 'rollback' | 'wal' {
  return readFileSync(file)[18] === 2 ? 'wal' : 'rollback';
}

/** An index folder as a build leaves it: CURRENT, one generation, both HNSW files saved, the store closed. */
function builtIndex(): string {
  const dir = tempDir();
  const name = 'g-2024-01-01T00-00-00-000Z';
  const generation = writeSyntheticGeneration(join(dir, name), syntheticEntries(300, 32, 3));
  const index = SearchIndex.open(generation);
  index.vectors('first');
  index.vectors('final');
  index.close();
  writeText(join(dir, 'CURRENT'), name);
  return dir;
}

describe('a read-only index', () => {
  it('is left as it was by cxr search (text and image queries): no -wal, no -shm, no file touched', () => {
    const dir = builtIndex();
    expect(journalMode(join(dir, 'g-2024-01-01T00-00-00-000Z', 'index.sqlite'))).toBe('rollback');
    const before = snapshot(dir);
    const text = runCli(['search', '--index', dir, 'pleural effusion', '--json']);
    expect(text.status, text.stderr).toBe(0);
    const like = runCli(['search', '--index', dir, '--like', 'synthetic:000001', '--json']);
    expect(like.status, like.stderr).toBe(0);
    expect(JSON.parse(like.stdout).plan.kind).toBe('image');
    expect(snapshot(dir)).toEqual(before);
  });

  it('is left as it was by a server without a token, across searches, records and facets', async () => {
    const dir = builtIndex();
    const before = snapshot(dir);
    const engine = SearchEngine.open(dir);
    const app = createApp({ engine, log: () => undefined });
    await request(app).get('/api/health').expect(200);
    await request(app).get('/api/search').query({ q: 'left effusion', k: 5 }).expect(200);
    await request(app).get('/api/images/synthetic:000002').expect(200);
    await request(app).post('/api/search').send({ like: 'synthetic:000003', embedding: 'first' }).expect(200);
    await request(app).get('/api/facets').query({ q: 'effusion' });
    expect(snapshot(dir)).toEqual(before); // while open: no -wal or -shm either
    await engine.close();
    expect(snapshot(dir)).toEqual(before);
  });

  it('becomes a writer at its first write, and a writer leaves the file in rollback-journal mode', () => {
    const dir = builtIndex();
    const index = SearchIndex.open(dir);
    expect(index.store.db.readonly).toBe(true);
    const [entry] = syntheticEntries(1, 32, 99);
    index.add([{ ...(entry as NonNullable<typeof entry>), imageId: 'added:1' }]);
    expect(index.store.db.readonly).toBe(false);
    expect(index.store.labelOf('added:1')).toBeGreaterThan(0);
    index.close();
    const sqlite = join(dir, 'g-2024-01-01T00-00-00-000Z', 'index.sqlite');
    expect(journalMode(sqlite)).toBe('rollback');
    expect(readdirSync(join(dir, 'g-2024-01-01T00-00-00-000Z')).filter((f) => /-(wal|shm)$/.test(f))).toEqual([]);
    const reopened = SearchIndex.open(dir);
    expect(reopened.store.count()).toBe(301);
    reopened.close();
  });
});

/** A read-only bind mount of `dir` (root only, as CI runs); undefined where the test cannot make one. */
function readOnlyMount(dir: string): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const target = join(tempDir(), 'ro');
  mkdirSync(target);
  if (spawnSync('mount', ['--bind', dir, target]).status !== 0) return undefined;
  if (spawnSync('mount', ['-o', 'remount,bind,ro', target]).status !== 0) {
    spawnSync('umount', [target]);
    return undefined;
  }
  return target;
}

describe('an index on a read-only mount', () => {
  const mounted = readOnlyMount(builtIndex());
  if (mounted === undefined) {
    process.stderr.write('SKIP: a read-only mount needs root (mount --bind, remount ro); the write case is not run\n');
  }
  it.skipIf(mounted === undefined)(
    'answers readers, and refuses a write with INDEX_READONLY, not a raw error',
    async () => {
      const dir = mounted as string;
      try {
        const engine = SearchEngine.open(dir);
        expect((await engine.search({ text: 'pleural effusion', k: 3 })).hits.length).toBeGreaterThan(0);
        expect((await engine.search({ image: { id: 'synthetic:000001' }, k: 3 })).hits).toHaveLength(3);
        await expect(engine.removeImages(['synthetic:000001'])).rejects.toMatchObject({ code: 'INDEX_READONLY' });
        expect(engine.index.store.count()).toBe(300);
        await engine.close();
      } finally {
        if (spawnSync('umount', [dir]).status !== 0) spawnSync('umount', ['-l', dir]);
      }
    },
  );
});
