import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Express } from 'express';
import sharp from 'sharp';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBundle } from '../../src/cascade/bundle/load.js';
import { ERROR_CODES } from '../../src/errors.js';
import { SearchEngine } from '../../src/search/engine.js';
import { createApp } from '../../src/server/app.js';
import { OPENAPI } from '../../src/server/openapi.js';
import { tempDir, writeDicom } from '../helpers/fixtures.js';
import { sampleServer, TOKEN } from '../helpers/sample-server.js';

describe('HTTP API', () => {
  let app: Express;
  let engine: SearchEngine;
  let images: string;
  let log: string[];
  let png: Buffer;
  let someId: string;
  let indexDir: string;

  beforeAll(async () => {
    ({ app, engine, images, log, indexDir } = await sampleServer());
    png = readFileSync(join(images, readdirSync(images).sort()[0] as string));
    someId = (
      engine.index.store.db.prepare('SELECT image_id FROM entries ORDER BY label LIMIT 1').get() as { image_id: string }
    ).image_id;
  }, 120_000);
  afterAll(() => engine.close());

  const expectError = (response: request.Response, code: keyof typeof ERROR_CODES) => {
    expect(response.status).toBe(ERROR_CODES[code].status);
    expect(response.body.error).toMatchObject({ code, message: expect.any(String) });
  };

  it('GET /api/health reports the index', async () => {
    const response = await request(app).get('/api/health').expect(200);
    expect(response.body).toMatchObject({ status: 'ok', images: 120, dimensions: engine.index.dimensions });
  });

  it('GET /api/search parses text and filters, and each hit explains itself', async () => {
    const response = await request(app)
      .get('/api/search')
      .query({ q: 'pleural effusion', k: 5, split: 'train' })
      .expect(200);
    expect(response.body.parse.concepts[0]).toMatchObject({ disease: 'pleural effusion' });
    expect(response.body.parse.filters).toEqual({ split: 'train' });
    expect(response.body.plan.kind).toBe('text');
    expect(response.body.hits.length).toBeGreaterThan(0);
    for (const hit of response.body.hits) {
      expect(hit.split).toBe('train');
      expect(hit.why.concepts[0].sources.length).toBeGreaterThan(0);
      expect(hit).not.toHaveProperty('file');
    }
  });

  it('POST /api/search takes JSON: text, like, a raw vector; refuses unknown fields and wrong sizes', async () => {
    const like = await request(app).post('/api/search').send({ like: someId, k: 3 }).expect(200);
    expect(like.body.plan.image.query).toBe('id');
    expect(like.body.hits.map((h: { imageId: string }) => h.imageId)).not.toContain(someId);
    const vector = Array.from(engine.index.store.embedding(1, 'final') ?? []);
    const byVector = await request(app).post('/api/search').send({ vector, k: 1 }).expect(200);
    expect(byVector.body.hits[0].why.distance).toBeCloseTo(0, 4);
    expectError(
      await request(app)
        .post('/api/search')
        .send({ vector: [1, 2, 3] }),
      'VECTOR_SIZE',
    );
    expectError(await request(app).post('/api/search').send({ text: 'x', bogus: 1 }), 'REQUEST_INVALID');
    expectError(
      await request(app).post('/api/search').set('Content-Type', 'application/json').send('{"text": '),
      'REQUEST_INVALID',
    );
  });

  it('refuses malformed queries and filters with codes', async () => {
    expectError(await request(app).get('/api/search').query({ q: 'x', k: 0 }), 'REQUEST_INVALID');
    expectError(await request(app).get('/api/search').query({ k: 'many' }), 'REQUEST_INVALID');
    expectError(await request(app).get('/api/search').query({ disease: 'unicorn' }), 'QUERY_INVALID');
    expectError(await request(app).get('/api/search').query({ q: 'confidence:7' }), 'QUERY_INVALID');
    expectError(await request(app).get('/api/search').query({ nonsense: 'x' }), 'REQUEST_INVALID');
    expectError(await request(app).get('/api/search?q=a&q=b'), 'REQUEST_INVALID');
    expectError(
      await request(app)
        .get('/api/search')
        .query({ q: 'y'.repeat(1001) }),
      'REQUEST_INVALID',
    );
    expectError(await request(app).get('/api/search').query({ like: '../../etc/passwd' }), 'REQUEST_INVALID');
    expectError(await request(app).get('/api/search').query({ like: 'sample:none' }), 'ENTRY_NOT_FOUND');
    const injection = await request(app).get('/api/search').query({ q: '"NEAR(a b)* col:x ((' }).expect(200);
    expect(injection.body.hits).toBeInstanceOf(Array);
  });

  it('POST /api/search/image: an uploaded PNG or DICOM, with text and filters; its own reading comes back', async () => {
    const response = await request(app)
      .post('/api/search/image')
      .attach('image', png, 'query.png')
      .field('q', 'effusion')
      .field('filters', JSON.stringify({ split: 'train' }))
      .field('k', '5')
      .expect(200);
    expect(response.body.plan).toMatchObject({ kind: 'hybrid', mode: 'fuse', image: { query: 'upload' } });
    expect(response.body.queryAnnotation.sequence.length).toBeGreaterThan(0);
    expect(response.body.queryAnnotation).not.toHaveProperty('embeddings');
    expect(response.body.hits.every((h: { split: string }) => h.split === 'train')).toBe(true);
    const dicom = writeDicom(join(tempDir(), 'q.dcm'), {
      width: 16,
      height: 16,
      bits: 16,
      values: Array.from({ length: 256 }, (_, i) => i * 100),
    });
    const byDicom = await request(app)
      .post('/api/search/image')
      .attach('image', readFileSync(dicom), 'q.dcm')
      .expect(200);
    expect(byDicom.body.plan.kind).toBe('image');
  });

  it('refuses uploads of the wrong kind, too large, missing, or with bad fields', async () => {
    expectError(
      await request(app).post('/api/search/image').attach('image', Buffer.from('GIF89a....'), 'q.png'),
      'IMAGE_UNSUPPORTED',
    );
    expectError(await request(app).post('/api/search/image').field('q', 'x'), 'REQUEST_INVALID');
    expectError(
      await request(app).post('/api/search/image').attach('image', png, 'q.png').field('filters', '{"disease":'),
      'REQUEST_INVALID',
    );
    const corrupt = Buffer.concat([png.subarray(0, 40)]);
    expectError(await request(app).post('/api/search/image').attach('image', corrupt, 'q.png'), 'IMAGE_CORRUPT');
    const small = createApp({ engine, token: TOKEN, uploadLimit: 1000, log: () => {} });
    expectError(await request(small).post('/api/search/image').attach('image', png, 'q.png'), 'UPLOAD_TOO_LARGE');
    expectError(await request(small).post('/api/annotate').attach('image', png, 'q.png'), 'UPLOAD_TOO_LARGE');
  });

  it('reads an upload on its decode thread exactly as on the main thread', async () => {
    const inline = SearchEngine.open(indexDir, { loadAnnotator: (bundle) => loadBundle(bundle) });
    try {
      for (const file of readdirSync(images).sort().slice(0, 3)) {
        const bytes = readFileSync(join(images, file));
        const [pooled, local] = [await engine.annotate(bytes), await inline.annotate(bytes)];
        expect(pooled.sequence).toEqual(local.sequence);
        expect(pooled.embeddings.final).toEqual(local.embeddings.final);
      }
      await expect(engine.annotate(Buffer.from('\x89PNG\r\n\x1a\ncut', 'latin1'))).rejects.toMatchObject({
        code: 'IMAGE_CORRUPT',
      });
    } finally {
      await inline.close();
    }
  });

  it('POST /api/annotate: the cascade reading of an upload, no search', async () => {
    const response = await request(app).post('/api/annotate').attach('image', png, 'a.png').expect(200);
    expect(response.body).toMatchObject({
      sequence: expect.any(Array),
      disease: expect.any(String),
      confidence: expect.any(Number),
    });
    expect(response.body.alternatives.length).toBeGreaterThan(0);
    expect(response.body).not.toHaveProperty('embeddings');
  });

  it('GET /api/images/:id: record with generated and ground truth, report and neighbours; no file path', async () => {
    const response = await request(app)
      .get(`/api/images/${encodeURIComponent(someId)}`)
      .expect(200);
    expect(response.body).toMatchObject({
      imageId: someId,
      generated: { sequence: expect.any(Array) },
      truth: { annotations: expect.any(Array) },
    });
    expect(response.body.neighbours).toHaveLength(8);
    expect(response.body).not.toHaveProperty('file');
    expect(response.body).not.toHaveProperty('embeddings');
    expectError(await request(app).get('/api/images/sample:nope'), 'ENTRY_NOT_FOUND');
    expectError(await request(app).get(`/api/images/${encodeURIComponent('../../../etc/passwd')}`), 'REQUEST_INVALID');
  });

  it('GET thumbnail and full image: PNGs resized by sharp', async () => {
    const thumb = await request(app)
      .get(`/api/images/${encodeURIComponent(someId)}/thumbnail`)
      .expect(200);
    expect(thumb.headers['content-type']).toBe('image/png');
    const meta = await sharp(thumb.body as Buffer).metadata();
    expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBeLessThanOrEqual(256);
    const full = await request(app)
      .get(`/api/images/${encodeURIComponent(someId)}/full`)
      .expect(200);
    expect(full.headers['content-type']).toBe('image/png');
    expectError(await request(app).get('/api/images/sample:nope/thumbnail'), 'ENTRY_NOT_FOUND');
  });

  it('GET /api/vocabulary and /api/facets', async () => {
    const vocabulary = await request(app).get('/api/vocabulary').expect(200);
    expect(vocabulary.body.diseases).toContain('normal');
    expect(vocabulary.body.abbreviations.lll).toBe('left lower lobe');
    const facets = await request(app).get('/api/facets').query({ q: 'effusion' }).expect(200);
    expect(facets.body.disease.length).toBeGreaterThan(0);
    const all = await request(app).get('/api/facets').expect(200);
    expect(all.body.dataset).toEqual([{ value: 'sample', count: 120 }]);
    expectError(await request(app).get('/api/facets').query({ side: 'up' }), 'QUERY_INVALID');
  });

  it('adding and removing need the bearer token; an added image is found, a removed one is gone', async () => {
    expectError(
      await request(app).post('/api/images').attach('image', png, 'n.png').field('id', 'new-1'),
      'UNAUTHORIZED',
    );
    expectError(
      await request(app)
        .post('/api/images')
        .set('Authorization', 'Bearer wrong')
        .attach('image', png, 'n.png')
        .field('id', 'new-1'),
      'UNAUTHORIZED',
    );
    expectError(
      await request(app)
        .post('/api/images')
        .set('Authorization', `Bearer ${TOKEN}`)
        .attach('image', png, 'n.png')
        .field('id', '../evil'),
      'REQUEST_INVALID',
    );
    const added = await request(app)
      .post('/api/images')
      .set('Authorization', `Bearer ${TOKEN}`)
      .attach('image', png, 'n.png')
      .field('id', 'new-1')
      .field('view', 'pa')
      .expect(201);
    expect(added.body).toEqual({ added: 'uploads:new-1', images: 121 });
    const found = await request(app).get('/api/search').query({ q: 'dataset:uploads' }).expect(200);
    expect(found.body.hits.map((h: { imageId: string }) => h.imageId)).toEqual(['uploads:new-1']);
    await request(app).get('/api/images/uploads:new-1/thumbnail').expect(200);
    expectError(await request(app).delete('/api/images/uploads:new-1'), 'UNAUTHORIZED');
    await request(app).delete('/api/images/uploads:new-1').set('Authorization', `Bearer ${TOKEN}`).expect(200);
    expectError(await request(app).get('/api/images/uploads:new-1'), 'ENTRY_NOT_FOUND');
    expectError(
      await request(app).delete('/api/images/uploads:new-1').set('Authorization', `Bearer ${TOKEN}`),
      'ENTRY_NOT_FOUND',
    );
    const noToken = createApp({ engine, log: () => {} });
    expectError(
      await request(noToken)
        .delete(`/api/images/${encodeURIComponent(someId)}`)
        .set('Authorization', 'Bearer x'),
      'FORBIDDEN',
    );
  });

  it('serves the page with security headers, no CORS unless configured, JSON 404s, and logs requests', async () => {
    const page = await request(app).get('/').expect(200);
    expect(page.text).toContain('<input');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const cross = await request(app).get('/api/health').set('Origin', 'https://elsewhere.example');
    expect(cross.headers['access-control-allow-origin']).toBeUndefined();
    const allowed = createApp({ engine, corsOrigins: ['https://lab.example'], log: () => {} });
    const ok = await request(allowed).get('/api/health').set('Origin', 'https://lab.example');
    expect(ok.headers['access-control-allow-origin']).toBe('https://lab.example');
    expectError(await request(app).get('/api/nothing-here'), 'ROUTE_NOT_FOUND');
    expect(log.some((line) => /^GET \/api\/health 200 [\d.]+ms$/.test(line))).toBe(true);
  });

  it('GET /api/openapi.json describes every route the app serves', async () => {
    const response = await request(app).get('/api/openapi.json').expect(200);
    expect(response.body.openapi).toBe('3.0.3');
    const documented = Object.entries(OPENAPI.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    for (const route of [
      'GET /api/health',
      'GET /api/search',
      'POST /api/search',
      'POST /api/search/image',
      'POST /api/annotate',
      'GET /api/images/:id',
      'GET /api/images/:id/thumbnail',
      'GET /api/images/:id/full',
      'POST /api/images',
      'DELETE /api/images/:id',
      'GET /api/vocabulary',
      'GET /api/facets',
      'GET /api/openapi.json',
    ]) {
      expect(documented).toContain(route);
    }
    expect(documented).toHaveLength(13);
  });
});
