import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SearchEngine } from '../../src/search/engine.js';
import { createApp } from '../../src/server/app.js';
import { OPENAPI } from '../../src/server/openapi.js';
import { SearchIndex } from '../../src/store/search-index.js';
import { annotationOf, entryOf, head } from '../helpers/annotations.js';
import { tempDir } from '../helpers/fixtures.js';
import { writeSyntheticGeneration } from '../helpers/synthetic-index.js';

const NORMAL = { sequence: ['normal'], disease: 'normal', side: undefined, severity: undefined };

/** The properties an OpenAPI component schema documents. */
const documented = (name: keyof typeof OPENAPI.components.schemas) =>
  Object.keys((OPENAPI.components.schemas[name] as { properties: object }).properties);

describe('HTTP API: per-finding probabilities', () => {
  let engine: SearchEngine;
  let app: ReturnType<typeof createApp>;

  beforeAll(() => {
    const entries = [
      entryOf('a', annotationOf({ findings: head({ 'pleural effusion': 0.9, pneumonia: 0.62, nodule: 0.1 }) }, 0)),
      entryOf('b', annotationOf({ ...NORMAL, findings: head({ pneumonia: 0.7, nodule: 0.02 }) }, 1), [
        { disease: 'nodule', side: 'right', locations: [] },
      ]),
      entryOf('c', annotationOf({ ...NORMAL, findings: head({ pneumonia: 0.2 }) }, 2)),
    ];
    engine = new SearchEngine(SearchIndex.open(writeSyntheticGeneration(tempDir(), entries)));
    app = createApp({ engine, log: () => {} });
  });
  afterAll(() => engine.close());

  it('hits carry generated.findings with probabilities, the matched probability in why, one confidence', async () => {
    const response = await request(app).get('/api/search').query({ q: 'pneumonia' }).expect(200);
    const hits = response.body.hits;
    expect(hits.map((h: { imageId: string }) => h.imageId)).toEqual(['hand:b', 'hand:a']);
    expect(hits[0].why.concepts[0]).toEqual({
      concept: 'pneumonia',
      sources: ['generated'],
      location: false,
      probability: 0.7,
    });
    expect(hits[0].confidence).toEqual({ finding: 'pneumonia', probability: 0.7, calibrated: true });
    expect(hits[1].generated.findings).toEqual([
      { disease: 'pleural effusion', side: 'left', severity: 'small', locations: [], probability: 0.9 },
      { disease: 'pneumonia', locations: [], probability: 0.62 },
      { disease: 'nodule', locations: [], probability: 0.1 },
    ]);
    const browse = await request(app).get('/api/search').expect(200);
    const a = browse.body.hits.find((h: { imageId: string }) => h.imageId === 'hand:a');
    expect(a.confidence).toEqual({ finding: 'pleural effusion', probability: 0.9, calibrated: true });
    const strict = await request(app).get('/api/search').query({ q: 'pneumonia', confidence: '0.65' }).expect(200);
    expect(strict.body.hits.map((h: { imageId: string }) => h.imageId)).toEqual(['hand:b']);
  });

  it('GET /api/images/:id: generated findings with their probability, the truth without', async () => {
    const response = await request(app).get('/api/images/hand:b').expect(200);
    expect(response.body.generated.findings).toEqual([
      { disease: 'normal', locations: [] },
      { disease: 'pneumonia', locations: [], probability: 0.7 },
    ]);
    expect(response.body.truth.findings).toEqual([{ disease: 'nodule', side: 'right', locations: [] }]);
    expect(response.body.neighbours.length).toBe(2);
  });

  it('the OpenAPI document describes every field of a hit, its reading and its findings', async () => {
    const { body } = await request(app).get('/api/search').query({ q: 'pneumonia' }).expect(200);
    const hit = body.hits[1];
    expect(documented('SearchHit')).toEqual(expect.arrayContaining(Object.keys(hit)));
    expect(documented('Generated')).toEqual(expect.arrayContaining(Object.keys(hit.generated)));
    expect(documented('Finding')).toEqual(expect.arrayContaining(Object.keys(hit.generated.findings[0])));
    expect(documented('HitConfidence')).toEqual(Object.keys(hit.confidence));
    const record = (await request(app).get('/api/images/hand:a').expect(200)).body;
    expect(documented('ImageRecord')).toEqual(expect.arrayContaining(Object.keys(record)));
    const refs = JSON.stringify(OPENAPI).match(/#\/components\/schemas\/\w+/g) ?? [];
    for (const ref of refs) expect(Object.keys(OPENAPI.components.schemas)).toContain(ref.split('/').at(-1));
  });
});
