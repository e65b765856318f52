import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SearchEngine } from '../../src/search/engine.js';
import type { IndexEntry } from '../../src/store/index-store.js';
import { SearchIndex } from '../../src/store/search-index.js';
import { cosineDistance } from '../helpers/compare.js';
import { tempDir } from '../helpers/fixtures.js';
import { syntheticEntries, writeSyntheticGeneration } from '../helpers/synthetic-index.js';

const DIMS = 16;

function trueTopK(entries: IndexEntry[], query: Float32Array, k: number, keep: (e: IndexEntry) => boolean): string[] {
  return entries
    .filter(keep)
    .map((e) => ({ id: e.imageId, d: cosineDistance(query, e.embeddings.final) }))
    .sort((a, b) => a.d - b.d || a.id.localeCompare(b.id))
    .slice(0, k)
    .map((x) => x.id);
}

describe('SearchEngine on a synthetic index', () => {
  const entries = syntheticEntries(3000, DIMS, 5);
  let engine: SearchEngine;

  beforeAll(() => {
    engine = new SearchEngine(SearchIndex.open(writeSyntheticGeneration(tempDir(), entries)), {
      planner: { exactLimit: 200 },
    });
  });
  afterAll(() => engine.close());

  it('text: "left effusion" returns only images with a left pleural effusion, stated ones first', async () => {
    const response = await engine.search({ text: 'left effusion', k: 20 });
    const expected = entries.filter((e) =>
      [...e.truth.findings, ...e.generated.findings].some((f) => f.disease === 'pleural effusion' && f.side === 'left'),
    );
    expect(response.plan).toEqual({ kind: 'text', text: { candidates: expected.length } });
    expect(response.hits).toHaveLength(20);
    for (const hit of response.hits) {
      expect(hit.why.concepts[0]?.sources).toContain('truth');
      expect(hit.truth[0]).toMatch(/^pleural effusion.*\/left/);
    }
    expect(response.parse.concepts[0]).toMatchObject({ disease: 'pleural effusion', side: 'left' });
    // Each stage is timed, and the total covers them (each figure rounded to 0.01 ms).
    const { parseMs, textMs, fetchMs, totalMs } = response.timings;
    for (const stage of [parseMs, textMs, fetchMs]) expect(stage).toBeGreaterThanOrEqual(0);
    expect(totalMs).toBeGreaterThanOrEqual((parseMs ?? 0) + (textMs ?? 0) + (fetchMs ?? 0) - 0.03);
  });

  it('text: source:generated matches what the cascade said only; negation excludes', async () => {
    const generated = await engine.search({ text: 'cardiomegaly source:generated', k: 500 });
    const expected = entries.filter((e) => e.generated.disease === 'cardiomegaly');
    expect(generated.plan.text?.candidates).toBe(expected.length);
    expect(generated.hits.every((h) => h.generated.disease === 'cardiomegaly')).toBe(true);
    const negated = await engine.search({ text: 'pneumothorax -right', k: 500 });
    for (const hit of negated.hits) expect(hit.truth[0]).not.toMatch(/\/right/);
  });

  it('text: free words rank by bm25 and say which field matched', async () => {
    const response = await engine.search({ text: 'portable', k: 50 });
    const expected = entries.filter((e) => e.report?.includes('Portable'));
    expect(expected.length).toBeGreaterThan(0);
    expect(response.plan.text?.candidates).toBe(expected.length);
    expect(response.hits[0]?.why.words).toEqual([{ word: 'portable', fields: ['report'] }]);
  });

  it('text: a concept the index holds no finding of answers nothing and names what it holds nearby', async () => {
    const response = await engine.search({ text: 'pacemaker', k: 50 });
    expect(response.hits).toEqual([]);
    expect(response.parse.unheld).toEqual([{ concept: 'pacemaker', nearest: expect.any(Array) }]);
    expect(response.parse.words).toEqual([]);
  });

  it('text: FTS5 syntax and injection attempts are plain words, never errors', async () => {
    for (const text of [
      '"',
      'NEAR(effusion pneumothorax, 2)',
      'effusion*',
      'report:pacemaker',
      '((effusion',
      'effusion) OR 1=1 --',
      "'; DROP TABLE entries; --",
      '{generated truth} : x',
      'AND OR NOT',
      '^ - + :',
    ]) {
      await expect(engine.search({ text, k: 5 }), text).resolves.toHaveProperty('hits');
    }
    expect(engine.index.store.count()).toBe(entries.length);
  });

  it('image: without a filter HNSW; a selective filter is scored exactly and returns exactly the true top k', async () => {
    const query = entries[11]?.embeddings.final as Float32Array;
    const plain = await engine.search({ image: { vector: query }, k: 10 });
    expect(plain.plan.image?.strategy).toBe('hnsw');
    expect(plain.hits.map((h) => h.imageId)).toEqual(trueTopK(entries, query, 10, () => true));
    const selective = await engine.search({
      image: { vector: query },
      filters: { disease: 'nodule', side: 'left', severity: 'small' },
      k: 10,
      mode: 'filter',
    });
    expect(selective.plan.image?.strategy).toBe('exact');
    const keep = (e: IndexEntry) =>
      [...e.truth.findings, ...e.generated.findings].some(
        (f) => f.disease === 'nodule' && f.side === 'left' && f.severity === 'small',
      );
    expect(selective.hits.map((h) => h.imageId)).toEqual(trueTopK(entries, query, 10, keep));
  });

  it('image: a broad filter goes to filtered HNSW and still returns only matching images', async () => {
    const query = entries[12]?.embeddings.final as Float32Array;
    const response = await engine.search({ image: { vector: query }, filters: { view: 'PA' }, k: 20 });
    expect(response.plan.image?.strategy).toBe('hnsw-filtered');
    expect(response.hits).toHaveLength(20);
    expect(response.hits.every((h) => h.view === 'PA')).toBe(true);
    const truth = trueTopK(entries, query, 20, (e) => e.view === 'PA');
    const found = response.hits.filter((h) => truth.includes(h.imageId)).length;
    expect(found / 20).toBeGreaterThanOrEqual(0.9);
  });

  it('more like this: an indexed image by id, itself left out', async () => {
    const id = entries[3]?.imageId as string;
    const response = await engine.search({ image: { id }, k: 5 });
    expect(response.plan.image?.query).toBe('id');
    expect(response.hits.map((h) => h.imageId)).not.toContain(id);
    const disease = entries[3]?.truth.findings[0]?.disease;
    expect(response.hits.filter((h) => h.truth[0]?.startsWith(disease as string)).length).toBeGreaterThanOrEqual(4);
  });

  it('hybrid: text and image rankings fused by RRF, each hit with its ranks', async () => {
    const query = entries.find((e) => e.truth.findings[0]?.disease === 'cardiomegaly')?.embeddings
      .final as Float32Array;
    const response = await engine.search({ text: 'cardiomegaly', image: { vector: query }, k: 10 });
    expect(response.plan).toMatchObject({ kind: 'hybrid', mode: 'fuse' });
    const top = response.hits[0];
    expect(top?.why.textRank).toBeGreaterThan(0);
    expect(top?.why.imageRank).toBeGreaterThan(0);
    expect(top?.why.fusedScore).toBeCloseTo(
      1 / (60 + (top?.why.textRank as number)) + 1 / (60 + (top?.why.imageRank as number)),
      5,
    );
    for (let i = 1; i < response.hits.length; i++) {
      expect(response.hits[i]?.why.fusedScore).toBeLessThanOrEqual(response.hits[i - 1]?.why.fusedScore as number);
    }
  });

  it('refuses bad requests with codes', async () => {
    await expect(engine.search({ text: 'x', k: 0 })).rejects.toMatchObject({ code: 'QUERY_INVALID' });
    await expect(engine.search({ image: { vector: new Float32Array(DIMS + 1) } })).rejects.toMatchObject({
      code: 'VECTOR_SIZE',
    });
    await expect(engine.search({ image: { id: 'nope' } })).rejects.toMatchObject({ code: 'ENTRY_NOT_FOUND' });
    await expect(engine.search({ filters: { disease: 'unicorn' } })).rejects.toMatchObject({ code: 'QUERY_INVALID' });
    await expect(engine.search({ image: { bytes: new Uint8Array(4) } })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    });
    expect(() => engine.entry('nope')).toThrow(expect.objectContaining({ code: 'ENTRY_NOT_FOUND' }));
  });

  it('facets count the images a query matches', () => {
    const facets = engine.facets('effusion');
    const effusions = entries.filter((e) =>
      [...e.truth.findings, ...e.generated.findings].some((f) => f.disease === 'pleural effusion'),
    );
    const total = facets.view?.reduce((sum, row) => sum + row.count, 0);
    expect(total).toBe(effusions.length);
    expect(facets.disease?.find((row) => row.value === 'pleural effusion')?.count).toBe(
      effusions.filter((e) => e.generated.disease === 'pleural effusion').length,
    );
  });
});

describe('SearchIndex add and remove', () => {
  it('adds and removes without a rebuild; changes persist; a removed image leaves every result', async () => {
    const dir = writeSyntheticGeneration(tempDir(), syntheticEntries(300, DIMS, 7));
    const [extra] = syntheticEntries(1, DIMS, 99).map((e) => ({ ...e, imageId: 'added:one' }));
    let index = SearchIndex.open(dir);
    index.add([extra as IndexEntry]);
    index.close();
    index = SearchIndex.open(dir);
    let engine = new SearchEngine(index);
    const like = await engine.search({ image: { vector: extra?.embeddings.final as Float32Array }, k: 1 });
    expect(like.hits[0]?.imageId).toBe('added:one');
    expect(index.remove(['added:one', 'never:was'])).toEqual(['added:one']);
    await engine.close();
    engine = new SearchEngine(SearchIndex.open(dir));
    const after = await engine.search({ image: { vector: extra?.embeddings.final as Float32Array }, k: 300 });
    expect(after.hits.map((h) => h.imageId)).not.toContain('added:one');
    const text = await engine.search({ text: extra?.truth.findings[0]?.disease ?? 'normal', k: 500 });
    expect(text.hits.map((h) => h.imageId)).not.toContain('added:one');
    expect(engine.index.store.count()).toBe(300);
    await engine.close();
  });

  it('rebuilds HNSW from SQLite when a crash left no vector file for the committed version', async () => {
    const dir = writeSyntheticGeneration(tempDir(), syntheticEntries(200, DIMS, 8));
    const index = SearchIndex.open(dir);
    const version = Number(index.store.meta('vectors_version') ?? 0);
    index.close();
    const { rmSync, readdirSync } = await import('node:fs');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.hnsw'))) rmSync(join(dir, file));
    const reopened = SearchIndex.open(dir);
    expect(reopened.vectors('final').size).toBe(200);
    expect(reopened.vectors('first').size).toBe(200);
    expect(
      readdirSync(dir)
        .filter((f) => f.endsWith('.hnsw'))
        .sort(),
    ).toEqual([`final.${version}.hnsw`, `first.${version}.hnsw`]);
    reopened.close();
  });

  it('follows the folder to a new generation once CURRENT points at it, closing the old one', async () => {
    const { writeFileSync } = await import('node:fs');
    const dir = tempDir();
    writeSyntheticGeneration(join(dir, 'g-a'), syntheticEntries(50, DIMS, 1));
    writeFileSync(join(dir, 'CURRENT'), 'g-a');
    const engine = SearchEngine.open(dir);
    expect(engine.followCurrent()).toBe(false);
    expect(engine.index.store.count()).toBe(50);
    writeSyntheticGeneration(join(dir, 'g-b'), syntheticEntries(80, DIMS, 2));
    writeFileSync(join(dir, 'CURRENT'), 'g-b');
    const old = engine.index;
    expect(engine.followCurrent()).toBe(true);
    expect(engine.index.store.count()).toBe(80);
    expect(old.store.db.open).toBe(false);
    expect((await engine.search({ text: 'cardiomegaly', k: 3 })).hits.length).toBeGreaterThan(0);
    await engine.close();
  });

  it('after following a generation annotated by another bundle, uploads are read with that bundle', async () => {
    const { writeFileSync } = await import('node:fs');
    const { IndexStore } = await import('../../src/store/index-store.js');
    const dir = tempDir();
    for (const [name, hash] of [
      ['g-a', 'bundle-a'],
      ['g-b', 'bundle-b'],
    ] as const) {
      writeSyntheticGeneration(join(dir, name), syntheticEntries(20, DIMS, 3));
      const store = IndexStore.open(join(dir, name, 'index.sqlite'));
      store.setMeta('bundle_hash', hash);
      store.close();
    }
    writeFileSync(join(dir, 'CURRENT'), 'g-a');
    const loads: string[] = [];
    let disposed = 0;
    const reading = syntheticEntries(1, DIMS, 4)[0] as IndexEntry;
    const engine = SearchEngine.open(dir, {
      loadAnnotator: async (bundle) => {
        loads.push(bundle);
        return {
          manifest: {} as never,
          runtime: 'tfjs',
          annotate: async () =>
            [{ ...reading.generated, sequence: [], scores: [], embeddings: reading.embeddings }] as never,
          annotateDecoded: async () => [],
          dispose: () => {
            disposed++;
          },
        };
      },
    });
    await engine.annotate(new Uint8Array(4));
    writeFileSync(join(dir, 'CURRENT'), 'g-b');
    expect(engine.followCurrent()).toBe(true);
    await engine.annotate(new Uint8Array(4));
    expect(loads).toEqual([join(dir, 'g-a', 'bundle'), join(dir, 'g-b', 'bundle')]);
    expect(disposed).toBe(1);
    await engine.close();
    expect(disposed).toBe(2);
  });

  it('refuses a folder that is not an index with INDEX_NOT_FOUND', () => {
    expect(() => SearchIndex.open(tempDir())).toThrow(expect.objectContaining({ code: 'INDEX_NOT_FOUND' }));
  });
});
