import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir, writeText } from '../helpers/fixtures.js';

interface Truth {
  report: number;
  image: string;
  findings: Array<{ kind: string; side?: string; severity?: string }>;
}

/**
 * A hospital export in a layout no importer knows (`filename, patientid, finding, clinical_notes, projection`,
 * labels `;`-separated, images in a folder of their own), written from a generated sample's ground truth.
 */
function hospitalExport(sample: string): string {
  const rows = readFileSync(join(sample, 'ground-truth.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Truth)
    .map((truth) => {
      const kinds = [...new Set(truth.findings.map((f) => f.kind))];
      const finding = kinds.length === 0 ? 'No Finding' : kinds.map((k) => k[0]?.toUpperCase() + k.slice(1)).join(';');
      const notes = truth.findings.map((f) => [f.severity, f.side, f.kind].filter(Boolean).join(' ')).join(', ');
      return `${truth.image}.png,P${truth.report % 97},${finding},"${notes || 'clear lungs'}",PA`;
    });
  return writeText(
    join(sample, 'hospital.csv'),
    ['filename,patientid,finding,clinical_notes,projection', ...rows].join('\n'),
  );
}

describe('a collection in an unfamiliar CSV layout, with flags only', () => {
  it('is refused with a clear error first, then imports, trains, indexes and answers with --columns', () => {
    const root = tempDir();
    const sample = join(root, 'sample');
    expect(runCli(['sample', '--out', sample, '--count', '240', '--size', '72', '--seed', '5']).status).toBe(0);
    renameSync(join(sample, 'images'), join(sample, 'pngs'));
    const csv = hospitalExport(sample);
    const catalog = join(root, 'catalog.sqlite');

    const unmapped = runCli(['import', 'manifest', csv, '--images', join(sample, 'pngs'), '--catalog', catalog]);
    expect(unmapped.status).toBe(3); // input
    expect(unmapped.stderr).toMatch(
      /^cxr: CSV_HEADER: hospital\.csv: no 'image' column\. Columns found: filename, patientid/,
    );
    expect(unmapped.stderr).toContain('--columns image=<column>');

    const imported = runCli([
      'import',
      'manifest',
      csv,
      '--images',
      join(sample, 'pngs'),
      '--columns',
      'image=filename,patient=patientid,labels=finding,report=clinical_notes,view=projection',
      '--label-separator',
      ';',
      '--verify',
      'header',
      '--catalog',
      catalog,
      '--json',
    ]);
    expect(imported.status, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ records: 240, written: 240, skipped: 0, refusedImages: 0 });

    const labels = runCli(['labels', '--catalog', catalog, '--min-cases', '8', '--min-held-out', '2', '--json']);
    expect(labels.status, labels.stderr).toBe(0);
    const classes = (JSON.parse(labels.stdout).classes as Array<{ name: string }>).map((c) => c.name);
    expect(classes).toEqual(expect.arrayContaining(['normal', 'granuloma', 'cardiomegaly']));

    const index = join(root, 'index');
    const built = runCli([
      'build',
      '--catalog',
      catalog,
      '--index',
      index,
      '--bundle-out',
      join(root, 'bundle'),
      '--min-cases',
      '8',
      '--size',
      '48',
      '--width',
      '0.25',
      '--epochs',
      '1',
      '--rnn-epochs',
      '1',
      '--iterations',
      '0',
      '--decode-threads',
      '1',
      '--json',
    ]);
    expect(built.status, built.stderr).toBe(0);
    expect(JSON.parse(built.stdout.slice(built.stdout.lastIndexOf('\n{') + 1))).toMatchObject({ indexed: 240 });

    const answer = runCli(['search', '--index', index, 'cardiomegaly', '--filter', 'dataset=hospital', '--json']);
    expect(answer.status, answer.stderr).toBe(0);
    const hits = JSON.parse(answer.stdout).hits as Array<{ imageId: string; dataset: string; truth: string[] }>;
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((hit) => hit.dataset === 'hospital' && hit.imageId.startsWith('hospital:'))).toBe(true);
    // The collection's own labels answer: its cardiomegaly images are among the hits.
    expect(hits.some((hit) => hit.truth.includes('Cardiomegaly'))).toBe(true);
  }, 600_000);
});
