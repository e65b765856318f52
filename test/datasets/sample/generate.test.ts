import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { GALLERY_FINDINGS, renderGallery } from '../../../src/datasets/sample/gallery.js';
import { renderStudy, sampleStudy, writeSampleDataset } from '../../../src/datasets/sample/generate.js';
import { toOpenIXml } from '../../../src/datasets/sample/report.js';
import { mineLabels } from '../../../src/labels/mine.js';
import { tempDir, writeText } from '../../helpers/fixtures.js';
import { importInto } from '../../helpers/import.js';

const hash = (path: string) => createHash('sha1').update(readFileSync(path)).digest('hex');

describe('the built-in sample dataset', () => {
  it('is deterministic for a seed, and differs for another seed', async () => {
    const a = tempDir();
    const b = tempDir();
    await writeSampleDataset(a, { count: 6, size: 64, seed: 5 });
    await writeSampleDataset(b, { count: 6, size: 64, seed: 5 });
    const image = sampleStudy(5, 3).imageId;
    expect(hash(join(a, 'images', `${image}.png`))).toBe(hash(join(b, 'images', `${image}.png`)));
    expect(readFileSync(join(a, 'ground-truth.jsonl'), 'utf8')).toBe(
      readFileSync(join(b, 'ground-truth.jsonl'), 'utf8'),
    );
    const meta = await sharp(join(a, 'images', `${image}.png`)).metadata();
    expect([meta.format, meta.channels, meta.depth]).toEqual(['png', 1, 'uchar']); // grey, as X-rays are
    const other = renderStudy(sampleStudy(6, 3), 6, 64);
    expect(Array.from(other)).not.toEqual(Array.from(renderStudy(sampleStudy(5, 3), 5, 64)));
  });

  it('is imported by the OpenI importer unchanged, with no error, images decoded', async () => {
    const out = tempDir();
    const summary = await writeSampleDataset(out, { count: 120, size: 128, seed: 2 });
    expect(summary).toMatchObject({ studies: 120, written: 120, reused: 0 });
    const { catalog, summary: imported } = await importInto('openi', join(out, 'reports'), {
      images: join(out, 'images'),
    });
    expect(imported.skippedItems).toEqual([]);
    expect(catalog.stats()).toMatchObject({ studies: 120, images: 120, imagesByStatus: { ok: 120 } });
    const truth = readFileSync(join(out, 'ground-truth.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(truth).toHaveLength(120);
    const mesh = catalog.db
      .prepare("SELECT raw FROM annotations WHERE study_id = 'openi:7' ORDER BY id")
      .all() as Array<{ raw: string }>;
    expect(mesh.map((row) => row.raw)).toEqual(truth[6].mesh);
    catalog.close();
  });

  it('resumes: a second run keeps the files already written', async () => {
    const out = tempDir();
    await writeSampleDataset(out, { count: 10, size: 32, seed: 1 });
    const again = await writeSampleDataset(out, { count: 12, size: 32, seed: 1 });
    expect(again).toMatchObject({ studies: 12, reused: 10, written: 2 });
  });

  it('has about 35–40% normal studies, several findings where realistic, and reports with negations', () => {
    const studies = Array.from({ length: 2000 }, (_, i) => sampleStudy(1, i + 1));
    const normal = studies.filter((s) => s.findings.length === 0).length / studies.length;
    expect(normal).toBeGreaterThan(0.33);
    expect(normal).toBeLessThan(0.41);
    expect(studies.some((s) => s.findings.length >= 2)).toBe(true);
    const kinds = new Set(studies.flatMap((s) => s.findings.map((f) => f.kind)));
    expect(kinds.size).toBe(14);
    const normalReport = studies.find((s) => s.findings.length === 0)?.report.findings ?? '';
    expect(normalReport).toMatch(/\bno\b|normal|clear/i);
    const effusion = studies.find((s) => s.findings.some((f) => f.kind === 'effusion' && f.side === 'left'));
    expect(effusion?.report.findings).toMatch(/left/);
    expect(effusion?.mesh).toContain(effusion?.mesh.find((m) => m.startsWith('Pleural Effusion/left/')));
  });

  it('label mining on 2,000 sample studies yields at least 12 classes', async () => {
    const reports = join(tempDir(), 'reports');
    for (let number = 1; number <= 2000; number++) {
      const study = sampleStudy(1, number);
      writeText(join(reports, `${number}.xml`), toOpenIXml(number, study.report, study.mesh, [study.imageId]));
    }
    const { catalog, summary } = await importInto('openi', reports, { allowMissingImages: true });
    expect(summary.skippedItems).toEqual([]);
    const stats = mineLabels(catalog);
    expect(stats.classes.length).toBeGreaterThanOrEqual(12);
    expect(stats.classes[0]?.name).toBe('normal');
    catalog.close();
  });

  it('renders a gallery with one captioned tile per finding and grade', async () => {
    const png = await renderGallery(64, 6);
    const sharp = (await import('sharp')).default;
    const meta = await sharp(png).metadata();
    expect(meta.width).toBe(6 * 64);
    expect(meta.height).toBe(Math.ceil(GALLERY_FINDINGS.length / 6) * (64 + 22));
  });
});
