import { copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/cascade/backend.js';
import { loadBundle } from '../../src/cascade/bundle/load.js';
import { responseLines } from '../../src/cli/search.js';
import { importFormat } from '../../src/datasets/formats.js';
import { buildIndex } from '../../src/indexer/build-index.js';
import { SearchEngine } from '../../src/search/engine.js';
import { createApp } from '../../src/server/app.js';
import { Catalog } from '../../src/store/catalog.js';
import { tempDir, writeText } from '../helpers/fixtures.js';
import { sampleBundle } from '../helpers/sample-bundle.js';

/**
 * A hospital export as a user brings one: images and a CSV with a free-text report each, no coded annotation. The
 * report findings reach the index as the collection's own (source `report`), beside what the cascade generates.
 */
describe('a collection of reports without annotations, imported, built and searched', () => {
  let engine: SearchEngine;
  const REPORTS: Record<string, string> = {
    'a.png': 'Small left pleural effusion.',
    'b.png': 'No pleural effusion or pneumothorax. The lungs are clear.',
    'c.png': 'Heart size is normal. No focal consolidation. Normal chest.',
    'd.png': 'Right lower lobe consolidation.',
    'e.png': 'Possible consolidation at the left base.',
  };

  beforeAll(async () => {
    await selectBackend('wasm');
    const sample = await sampleBundle(100, 17);
    const root = tempDir();
    const files = readdirSync(sample.images)
      .filter((f) => f.endsWith('.png'))
      .sort();
    Object.keys(REPORTS).forEach((name, i) => {
      copyFileSync(join(sample.images, files[i] as string), join(root, name));
    });
    writeText(
      join(root, 'ward.csv'),
      ['image,report', ...Object.entries(REPORTS).map(([image, report]) => `${image},"${report}"`)].join('\n'),
    );
    const catalog = Catalog.open(join(root, 'catalog.sqlite'));
    await importFormat(catalog, 'manifest', join(root, 'ward.csv'));
    expect(catalog.stats()).toMatchObject({ studies: 5, annotations: 0 });
    const annotator = await loadBundle(sample.bundleDir);
    const indexDir = join(root, 'index');
    await buildIndex(catalog, annotator, sample.bundleDir, indexDir);
    annotator.dispose();
    catalog.close();
    engine = SearchEngine.open(indexDir);
  }, 180_000);
  afterAll(() => engine?.close());

  it('source:report effusion finds the report that says so, and nothing is stated', async () => {
    const report = await engine.search({ text: 'left effusion source:report' });
    expect(report.hits.map((h) => h.imageId)).toEqual(['ward:a.png']);
    expect(report.hits[0]?.why.concepts[0]?.sources).toEqual(['report']);
    expect(report.hits[0]?.fromReport).toEqual(['Pleural Effusion/left/small']);
    const stated = await engine.search({ text: 'effusion source:truth' });
    expect(stated.hits).toEqual([]);
  });

  it('source:any ranks the report finding like a stated one, above whatever the cascade alone reads', async () => {
    const any = await engine.search({ text: 'effusion', k: 10 });
    expect(any.hits[0]?.imageId).toBe('ward:a.png');
    expect(any.hits[0]?.why.concepts[0]?.sources).toContain('report');
    expect(any.hits[0]?.score).toBeGreaterThanOrEqual(1);
    for (const hit of any.hits.slice(1)) {
      expect(hit.why.concepts[0]?.sources).toEqual(['generated']);
      expect(hit.score).toBeLessThan(any.hits[0]?.score as number);
    }
    // `normal` read in a report is a finding too (the miner reads none in a doubt, so e is one as well).
    const normal = await engine.search({ text: 'normal source:report' });
    const ids = normal.hits.map((h) => h.imageId);
    expect(ids).toEqual(expect.arrayContaining(['ward:b.png', 'ward:c.png']));
    expect(ids).not.toContain('ward:a.png');
    expect(ids).not.toContain('ward:d.png');
  });

  it('cxr search prints what the report says; the facets count report findings under source:report', async () => {
    const lines = responseLines(await engine.search({ text: 'effusion source:report' }));
    expect(lines.join('\n')).toMatch(
      /ward:a\.png .* from the report\n\s+from the report: Pleural Effusion\/left\/small/,
    );
    const facets = engine.facets('source:report');
    expect(facets.disease).toEqual(expect.arrayContaining([{ value: 'pleural effusion', count: 1 }]));
    expect(facets.side).toEqual(expect.arrayContaining([{ value: 'left', count: 1 }]));
  });

  it('the HTTP API: hits and the image record carry fromReport; source=report filters', async () => {
    const app = createApp({ engine, log: () => {} });
    const search = await request(app).get('/api/search').query({ q: 'effusion', source: 'report' }).expect(200);
    expect(search.body.hits.map((h: { imageId: string }) => h.imageId)).toEqual(['ward:a.png']);
    const record = await request(app).get('/api/images/ward:a.png').expect(200);
    expect(record.body.fromReport).toEqual({
      annotations: ['Pleural Effusion/left/small'],
      findings: [{ disease: 'pleural effusion', side: 'left', severity: 'small', locations: [] }],
    });
    expect(record.body.truth).toEqual({ annotations: [], findings: [] });
  });
});
