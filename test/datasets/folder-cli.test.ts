import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir, writeImage } from '../helpers/fixtures.js';

describe('cxr import folder (the command)', () => {
  it('says in --help how folders map to labels', () => {
    const { status, stdout } = runCli(['import', '--help']);
    expect(status).toBe(0);
    expect(stdout).toContain('Pneumonia/bacterial/');
    expect(stdout).toContain('No_findings/ NORMAL/ normal/');
    expect(stdout).toContain('--id-pattern');
  });

  it('refuses a broken --id-pattern before it opens the catalog, then imports and mines a folder', async () => {
    const dir = join(tempDir(), 'xrays');
    for (let i = 0; i < 3; i++) {
      await writeImage(join(dir, 'PNEUMONIA', `person${i}_bacteria_${i}.png`));
      await writeImage(join(dir, 'NORMAL', `IM-${i}.png`));
    }
    const catalog = join(tempDir(), 'catalog.sqlite');
    const refused = runCli(['import', 'folder', dir, '--catalog', catalog, '--id-pattern', '(?<patient>[']);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('INVALID_OPTION');
    expect(existsSync(catalog)).toBe(false);
    const imported = runCli(['import', 'folder', dir, '--catalog', catalog, '--json']);
    expect(imported.status).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ records: 6, written: 6, skipped: 0 });
    const labels = runCli(['labels', '--catalog', catalog, '--min-cases', '3', '--min-held-out', '0']);
    expect(labels.status).toBe(0);
    expect(labels.stdout).toMatch(/normal\s+3/);
    expect(labels.stdout).toMatch(/pneumonia\s+3/);
  });
});
