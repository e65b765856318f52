import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT, exitCodeOf } from '../../src/cli/exit-codes.js';
import { cxrError } from '../../src/errors.js';
import { ensureDirectory } from '../../src/files/ensure-directory.js';
import { runCli } from '../helpers/cli.js';

describe('cxr exit status and usage errors', () => {
  it('maps each kind of error to its status', () => {
    expect(exitCodeOf(cxrError('INVALID_OPTION', 'x'))).toBe(EXIT.usage);
    expect(exitCodeOf(cxrError('QUERY_INVALID', 'x'))).toBe(EXIT.usage);
    expect(exitCodeOf(cxrError('DATASET_NOT_FOUND', 'x'))).toBe(EXIT.input);
    expect(exitCodeOf(cxrError('IMAGE_CORRUPT', 'x'))).toBe(EXIT.input);
    expect(exitCodeOf(cxrError('INDEX_CORRUPT', 'x'))).toBe(EXIT.environment);
    expect(exitCodeOf(cxrError('INDEX_BUSY', 'x'))).toBe(EXIT.environment);
    expect(exitCodeOf(cxrError('BACKEND_UNAVAILABLE', 'x'))).toBe(EXIT.environment);
    expect(exitCodeOf(cxrError('INTERRUPTED', 'x'))).toBe(130);
  });

  it('prints the version, and one line (not the whole help) for an unknown option or command', () => {
    const version = runCli(['--version']);
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const option = runCli(['search', '--bogus']);
    expect(option.status).toBe(EXIT.usage);
    expect(option.stderr).toContain("unknown option '--bogus'");
    expect(option.stderr.split('\n').filter(Boolean).length).toBeLessThanOrEqual(2);
    const command = runCli(['frobnicate']);
    expect(command.status).toBe(EXIT.usage);
    expect(command.stderr).toContain("unknown command 'frobnicate'");
    expect(runCli(['--help']).stdout).toContain('Exit status: 0 done');
  });

  it('cxr sample --out a file or an uncreatable folder: INVALID_OPTION, no stack, no hang', () => {
    const root = mkdtempSync(join(tmpdir(), 'cxr-exit-'));
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    const onFile = runCli(['sample', '--out', file, '--count', '2']);
    expect(onFile.status).toBe(EXIT.usage);
    expect(onFile.stderr).toMatch(/^cxr: INVALID_OPTION: --out .*a-file is a file, not a folder/);
    const underFile = runCli(['sample', '--out', join(file, 'deeper'), '--count', '2']);
    expect(underFile.stderr).toMatch(/a-file is a file, not a folder/);
    expect(underFile.stderr).not.toContain('    at ');
  });
});

describe('a mistyped --catalog', () => {
  it('is CATALOG_NOT_FOUND naming where it looked, and creates nothing', () => {
    const root = mkdtempSync(join(tmpdir(), 'cxr-catalog-'));
    const typo = join(root, 'catlog.sqlite');
    for (const command of ['labels', 'train']) {
      const result = runCli([command, '--catalog', typo]);
      expect(result.status).toBe(EXIT.input);
      expect(result.stderr).toContain(`cxr: CATALOG_NOT_FOUND: no catalog at ${typo}`);
    }
    expect(existsSync(typo)).toBe(false);
  });
});

describe('ensureDirectory', () => {
  it('creates missing levels and accepts an existing folder', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cxr-dir-'));
    await ensureDirectory(join(root, 'a', 'b', 'c'), 'out');
    await ensureDirectory(join(root, 'a', 'b'), 'out');
    const { statSync } = await import('node:fs');
    expect(statSync(join(root, 'a', 'b', 'c')).isDirectory()).toBe(true);
  });

  it.skipIf(process.platform !== 'linux')(
    'refuses /proc/nope at once (recursive mkdir never returns there)',
    async () => {
      await expect(ensureDirectory('/proc/cxr-nope/x', 'out')).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    },
  );
});
