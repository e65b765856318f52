import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { openiXml, tempDir, writeText } from '../helpers/fixtures.js';

describe('cxr train, cxr annotate and cxr eval', () => {
  const root = tempDir();
  const catalog = join(root, 'catalog.sqlite');
  const bundle = join(root, 'bundle');

  it('trains a bundle from a sample catalog and annotates images with it', async () => {
    const sample = join(root, 'sample');
    expect(runCli(['sample', '--out', sample, '--count', '320', '--size', '72', '--seed', '3']).status).toBe(0);
    expect(
      runCli([
        'import',
        'openi',
        join(sample, 'reports'),
        '--images',
        join(sample, 'images'),
        '--catalog',
        catalog,
        '--verify',
        'none',
      ]).status,
    ).toBe(0);
    expect(runCli(['labels', '--catalog', catalog, '--min-cases', '8', '--min-held-out', '2']).status).toBe(0);
    const trained = runCli([
      'train',
      '--catalog',
      catalog,
      '--out',
      bundle,
      '--size',
      '48',
      '--width',
      '0.25',
      '--epochs',
      '1',
      '--rnn-epochs',
      '2',
      '--json',
    ]);
    expect(trained.status).toBe(0);
    const result = JSON.parse(trained.stdout);
    expect(result.metrics).toHaveLength(2);
    expect(trained.stderr).toMatch(/cnn 0: epoch 1\/1 .* images\/s {2}ETA/);
    expect(trained.stderr).toContain(
      'training defaults: sample (every import is a synthetic sample written by cxr sample)',
    );
    expect(existsSync(join(bundle, 'bundle.json'))).toBe(true);

    const images = (await readdir(join(sample, 'images'))).slice(0, 2).map((file) => join(sample, 'images', file));
    const annotated = runCli(['annotate', ...images, '--bundle', bundle, '--json']);
    expect(annotated.status).toBe(0);
    const annotations = JSON.parse(annotated.stdout);
    expect(annotations).toHaveLength(2);
    expect(annotations[0]).toMatchObject({
      image: images[0],
      disease: expect.any(String),
      sequence: expect.any(Array),
      confidence: expect.any(Number),
    });
    expect(annotations[0].embeddings).toBeUndefined();
    // A beam of 3 reads the same images; a width outside 1 … 10 is refused before the bundle is opened.
    const beam = runCli(['annotate', ...images, '--bundle', bundle, '--beam', '3', '--json']);
    expect(beam.status).toBe(0);
    expect(JSON.parse(beam.stdout).map((a: { disease: string }) => a.disease)).toEqual(
      annotations.map((a: { disease: string }) => a.disease),
    );
    const wide = runCli(['annotate', ...images, '--bundle', bundle, '--beam', '11']);
    expect(wide.status).toBe(2); // usage
    expect(wide.stderr).toMatch(/^cxr: INVALID_OPTION: --beam must be an integer from 1 to 10, not '11'/);

    // cxr eval reproduces the training run's own test figures from the saved bundle.
    const evaluated = JSON.parse(runCli(['eval', '--bundle', bundle, '--catalog', catalog, '--json']).stdout);
    const final = result.metrics.at(-1);
    expect(evaluated.images).toBe(final.annotation.images);
    expect(evaluated.classAccuracy).toBeCloseTo(final.classAccuracy, 6);
    expect(evaluated.bleu1).toBeCloseTo(final.annotation.bleu1, 6);
    // … and the finding head's table and the calibration error before and after, from the same test images.
    expect(evaluated.findings.length).toBeGreaterThan(0);
    expect(evaluated.findings.map((f: { finding: string }) => f.finding)).toEqual(
      final.findings.map((f: { finding: string }) => f.finding),
    );
    for (const [k, f] of evaluated.findings.entries()) {
      expect(f.auroc).toBeCloseTo(final.findings[k].auroc, 6);
      expect(f.low).toBeLessThanOrEqual(f.auroc);
      expect(f.high).toBeGreaterThanOrEqual(f.auroc);
    }
    expect(evaluated.calibration.findingEce.before).toBeCloseTo(final.calibration.findingEce.before, 4);
    expect(evaluated.calibration.findingEce.after).toBeCloseTo(final.calibration.findingEce.after, 4);
    expect(evaluated.calibration.classEce.after).toBeCloseTo(final.calibration.classEce.after, 4);
    const table = runCli(['eval', '--bundle', bundle, '--catalog', catalog]);
    expect(table.stdout).toMatch(/finding head on \d+ labelled test images/);
    expect(table.stdout).toMatch(
      /expected calibration error \(10 bins\) before → after: classes \d\.\d{3} → \d\.\d{3}/,
    );
  });

  it('refuses a catalog with one class only, and a missing bundle, with codes', () => {
    const reports = join(root, 'one-class');
    for (let i = 1; i <= 12; i++) writeText(join(reports, `${i}.xml`), openiXml(i, ['normal'], [`N${i}`]));
    const single = join(root, 'single.sqlite');
    runCli(['import', 'openi', reports, '--catalog', single, '--allow-missing-images']);
    runCli(['labels', '--catalog', single, '--min-cases', '5']);
    const train = runCli(['train', '--catalog', single, '--out', join(root, 'never')]);
    expect(train.status).toBe(3); // input
    expect(train.stderr).toContain('TRAINING_DATA');
    expect(existsSync(join(root, 'never'))).toBe(false);
    const annotate = runCli(['annotate', 'x.png', '--bundle', join(root, 'missing-bundle')]);
    expect(annotate.status).toBe(3); // input
    expect(annotate.stderr).toContain('BUNDLE_NOT_FOUND');
  });
});
