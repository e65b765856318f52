import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { openiXml, tempDir, writeText } from '../helpers/fixtures.js';

describe('cxr import and cxr labels', () => {
  const root = tempDir();
  const reports = join(root, 'reports');
  const catalog = join(root, 'catalog.sqlite');
  for (let i = 1; i <= 40; i++)
    writeText(join(reports, `${i}.xml`), openiXml(i, [i % 2 ? 'normal' : 'Cardiomegaly/mild'], [`I${i}`]));
  writeText(join(reports, '99.xml'), '<broken');

  it('imports with --json, listing each skipped item with its code', () => {
    const result = runCli(['import', 'openi', reports, '--catalog', catalog, '--allow-missing-images', '--json']);
    expect(result.status).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ records: 40, written: 40, skipped: 1, catalog: { studies: 40, images: 40 } });
    expect(summary.skippedItems).toEqual([expect.objectContaining({ code: 'REPORT_MALFORMED', item: '99.xml' })]);
  });

  it('mines labels and prints the class table, or JSON', () => {
    const table = runCli(['labels', '--catalog', catalog, '--min-cases', '10']);
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/normal\s+20\s+\d+\s+\d+\s+\d+/);
    expect(table.stdout).toMatch(/cardiomegaly\s+20/);
    const json = JSON.parse(runCli(['labels', '--catalog', catalog, '--min-cases', '10', '--json']).stdout);
    expect(json.classes.map((c: { name: string }) => c.name).sort()).toEqual(['cardiomegaly', 'normal']);
  });

  it('refuses bad options with a code and a non-zero exit', () => {
    const format = runCli(['import', 'dicomdir', reports, '--catalog', catalog]);
    expect(format.status).toBe(2); // usage
    expect(format.stderr).toContain('INVALID_OPTION');
    const minCases = runCli(['labels', '--catalog', catalog, '--min-cases', 'many']);
    expect(minCases.status).toBe(2);
    expect(minCases.stderr).toContain('INVALID_OPTION');
    const missing = runCli(['import', 'openi', join(root, 'nowhere'), '--catalog', catalog]);
    expect(missing.status).toBe(3); // input
    expect(missing.stderr).toContain('DATASET_NOT_FOUND');
  });

  it('says honestly that nothing was written when every image is missing, why, and exits non-zero', () => {
    const wrong = join(root, 'no-such-images');
    const result = runCli(['import', 'openi', reports, '--images', wrong, '--catalog', join(root, 'other.sqlite')]);
    expect(result.status).toBe(3); // input
    expect(result.stdout).toContain('40 records: 0 written, 0 unchanged, 40 not written (no usable image)');
    expect(result.stdout).toContain('images: 0 written, 40 refused');
    expect(result.stdout).toContain('skipped 41: 40 IMAGE_MISSING, 1 REPORT_MALFORMED');
    expect(result.stdout).toContain(`no image file was found under ${wrong}: is --images right?`);
  });
});
