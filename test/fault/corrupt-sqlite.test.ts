import { readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/random.js';
import { SearchEngine } from '../../src/search/engine.js';
import { createApp } from '../../src/server/app.js';
import { SearchIndex } from '../../src/store/search-index.js';
import { runCli } from '../helpers/cli.js';
import { tempDir, writeText } from '../helpers/fixtures.js';
import { syntheticEntries, writeSyntheticGeneration } from '../helpers/synthetic-index.js';

/** An index folder as `cxr build` leaves it: CURRENT naming one generation of 400 synthetic entries. */
function indexFolder(): { dir: string; sqlite: string } {
  const dir = tempDir();
  const generation = writeSyntheticGeneration(join(dir, 'g-2024-01-01T00-00-00-000Z'), syntheticEntries(400, 32, 5));
  SearchIndex.open(generation).close(); // as a build leaves it: closed, in rollback-journal mode
  writeText(join(dir, 'CURRENT'), 'g-2024-01-01T00-00-00-000Z');
  return { dir, sqlite: join(generation, 'index.sqlite') };
}

function damage(file: string, how: 'garbage page' | 'bad header' | 'truncated' | 'zero bytes'): void {
  const bytes = readFileSync(file);
  if (how === 'garbage page') {
    const random = new Random(9);
    // Most of the file but its first pages (schema, header): whatever a query reads, it meets garbage.
    for (let i = 8192; i < bytes.length - 4096; i++) bytes[i] = random.integer(0, 255);
    writeFileSync(file, bytes);
  } else if (how === 'bad header') {
    bytes.write('not a database!!', 0, 'latin1');
    writeFileSync(file, bytes);
  } else if (how === 'truncated') truncateSync(file, Math.floor(bytes.length / 2));
  else writeFileSync(file, '');
}

const HOWS = ['garbage page', 'bad header', 'truncated', 'zero bytes'] as const;

describe('a corrupt index.sqlite', () => {
  it('cxr search answers INDEX_CORRUPT with a clear message, not a SqliteError and its stack', () => {
    for (const how of HOWS) {
      const { dir, sqlite } = indexFolder();
      damage(sqlite, how);
      const size = statSync(sqlite).size;
      const result = runCli(['search', '--index', dir, 'pleural effusion', '--json']);
      expect({ how, status: result.status }).toEqual({ how, status: 4 }); // index or environment
      expect(result.stderr, how).toMatch(/^cxr: INDEX_CORRUPT: .*(damaged|not an SQLite|truncated|empty).*cxr build/m);
      expect(result.stderr, how).not.toMatch(/SqliteError|\n\s+at /);
      // A reader never repairs by writing: a zero-byte file is not given a schema.
      expect(statSync(sqlite).size, how).toBe(size);
    }
  });

  it('over HTTP: INDEX_CORRUPT as JSON without the file path, logged with it', async () => {
    const { dir, sqlite } = indexFolder();
    const engine = SearchEngine.open(dir);
    const log: string[] = [];
    const app = createApp({ engine, log: (line) => log.push(line) });
    damage(sqlite, 'garbage page'); // under a running server
    const response = await request(app).get('/api/search').query({ q: 'pleural effusion' });
    expect([response.status, response.body.error?.code]).toEqual([500, 'INDEX_CORRUPT']);
    expect(response.body.error.message).toMatch(/damaged/);
    expect(JSON.stringify(response.body)).not.toContain(dir);
    expect(log.some((line) => line.includes('INDEX_CORRUPT'))).toBe(true);
    engine.close();
  });

  it('a deleted CURRENT with a complete generation beside it: that generation is served', () => {
    const { dir } = indexFolder();
    rmSync(join(dir, 'CURRENT'));
    const result = runCli(['search', '--index', dir, 'pleural effusion', '--json'], { CXR_LOG_LEVEL: 'error' });
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).hits.length).toBeGreaterThan(0);
    expect(result.stderr).toMatch(/CURRENT is missing or names no generation; serving the newest complete one, g-2024/);
    // Nothing there but a half-built folder: still INDEX_NOT_FOUND, which says to build.
    const empty = tempDir();
    writeText(join(empty, 'building', 'IDENTITY'), 'x');
    const none = runCli(['search', '--index', empty, 'effusion']);
    expect(none.stderr).toMatch(/^cxr: INDEX_NOT_FOUND: .*cxr build/m);
  });
});
