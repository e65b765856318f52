import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { openiXml, tempDir, writeText } from '../helpers/fixtures.js';

describe('cxr mine-reports and cxr eval-miner', () => {
  const root = tempDir();
  const reports = join(root, 'reports');
  writeText(
    join(reports, '1.xml'),
    openiXml(1, ['Pleural Effusion/left/small'], ['A'], 'Small left pleural effusion. No pneumothorax.'),
  );
  writeText(
    join(reports, '2.xml'),
    openiXml(2, ['normal'], ['B'], 'No pleural effusion or pneumothorax. The lungs are clear.'),
  );
  writeText(join(reports, '3.xml'), openiXml(3, ['Cardiomegaly/moderate'], ['C'], 'Heart size is normal.'));

  it('writes one JSON line per report', () => {
    const out = join(root, 'mined.jsonl');
    const result = runCli(['mine-reports', '--reports', reports, '--out', out]);
    expect(result.status).toBe(0);
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((l) => [l.id, l.mesh, l.normal])).toEqual([
      ['1', ['Pleural Effusion/left/small'], false],
      ['2', ['normal'], true],
      ['3', ['normal'], true],
    ]);
    expect(lines[0].findings[0]).toMatchObject({ mesh: 'Pleural Effusion', laterality: 'left', severity: 'small' });
  });

  it('scores the miner against MeSH/major, as a table or JSON', () => {
    const json = JSON.parse(runCli(['eval-miner', '--reports', reports, '--json']).stdout);
    // Reports 1 and 2 are right (2 TP); report 3's cardiomegaly is missed (FN) and called normal (FP): F1 = 2/3.
    expect(json.headings.microF1).toBeCloseTo(2 / 3, 5);
    expect(json.normalAccuracy).toBeCloseTo(2 / 3, 5);
    expect(json.headingSide).toMatchObject({ tp: 1, fp: 0, fn: 0 });
    const table = runCli(['eval-miner', '--reports', reports]).stdout;
    expect(table).toMatch(/pleural effusion\s+1\s+1\s+0\s+0/);
  });

  it('refuses a missing source with DATASET_NOT_FOUND', () => {
    const result = runCli(['mine-reports', '--reports', join(root, 'nowhere')]);
    expect(result.status).toBe(3); // input
    expect(result.stderr).toContain('DATASET_NOT_FOUND');
  });
});
