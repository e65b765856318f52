import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/cascade/backend.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';
import { sampleBundle } from '../helpers/sample-bundle.js';

describe('cxr build, search, add, remove', () => {
  let sample: Awaited<ReturnType<typeof sampleBundle>>;
  const index = join(tempDir(), 'index');

  beforeAll(async () => {
    await selectBackend('wasm');
    sample = await sampleBundle(100, 17);
    const built = runCli([
      'build',
      '--catalog',
      sample.catalogPath,
      '--bundle',
      sample.bundleDir,
      '--index',
      index,
      '--decode-threads',
      '2',
      '--json',
    ]);
    expect(built.status, built.stderr).toBe(0);
    expect(JSON.parse(built.stdout)).toMatchObject({ indexed: 100, interrupted: false });
  }, 180_000);

  it('cxr search: a table for people, the full response with --json', () => {
    const table = runCli(['search', '--index', index, 'pleural effusion', '-k', '3']);
    expect(table.status, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/query: pleural effusion/);
    expect(table.stdout).toMatch(/#\s+image\s+generated annotation/);
    const json = runCli(['search', '--index', index, '--json', '--filter', 'split=train', 'cardiomegaly']);
    const response = JSON.parse(json.stdout);
    expect(response.parse.concepts[0].disease).toBe('cardiomegaly');
    expect(response.hits.every((h: { split: string }) => h.split === 'train')).toBe(true);
    const bad = runCli(['search', '--index', index, '--filter', 'side=up']);
    expect(bad.status).toBe(2); // usage
    expect(bad.stderr).toMatch(/^cxr: QUERY_INVALID: /);
    const threads = runCli([
      'build',
      '--catalog',
      sample.catalogPath,
      '--bundle',
      sample.bundleDir,
      '--decode-threads',
      '0',
    ]);
    expect(threads.stderr).toMatch(/^cxr: INVALID_OPTION: --decode-threads must be an integer from 1 to 64/);
    const beam = runCli(['build', '--catalog', sample.catalogPath, '--bundle', sample.bundleDir, '--beam', '0']);
    expect(beam.stderr).toMatch(/^cxr: INVALID_OPTION: --beam must be an integer from 1 to 10, not '0'/);
    const serve = runCli(['serve', '--index', index, '--port', '0', '--beam', 'two']);
    expect(serve.stderr).toMatch(/^cxr: INVALID_OPTION: --beam must be an integer from 1 to 10, not 'two'/);
    const none = runCli(['search', '--index', join(tempDir(), 'nothing')]);
    expect(none.stderr).toMatch(/^cxr: INDEX_NOT_FOUND: /);
  });

  it('cxr add then remove: the image is found by its own pixels, then gone', () => {
    const file = join(sample.images, readdirSync(sample.images).sort()[0] as string);
    const added = runCli(['add', '--index', index, '--dataset', 'ward7', '--json', file]);
    expect(added.status, added.stderr).toBe(0);
    const { added: ids, count } = JSON.parse(added.stdout);
    expect(count).toBe(101);
    const like = JSON.parse(runCli(['search', '--index', index, '--image', file, '-k', '2', '--json']).stdout);
    expect(like.hits.map((h: { imageId: string }) => h.imageId)).toContain(ids[0]);
    const removed = JSON.parse(runCli(['remove', '--index', index, '--json', ids[0], 'ward7:never']).stdout);
    expect(removed).toEqual({ removed: ids, missing: ['ward7:never'], count: 100 });
    const after = JSON.parse(runCli(['search', '--index', index, '--image', file, '-k', '100', '--json']).stdout);
    expect(after.hits.map((h: { imageId: string }) => h.imageId)).not.toContain(ids[0]);
  });

  it('cxr annotate refuses a file that is not an image, with its code', () => {
    const result = runCli(['annotate', '--bundle', sample.bundleDir, join(sample.root, 'catalog.sqlite')]);
    expect(result.status).toBe(3); // input
    expect(result.stderr).toMatch(/^cxr: IMAGE_(UNSUPPORTED|CORRUPT): /);
  });
});
