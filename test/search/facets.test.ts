import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SearchEngine } from '../../src/search/engine.js';
import { SearchIndex } from '../../src/store/search-index.js';
import { annotationOf, entryOf } from '../helpers/annotations.js';
import { tempDir } from '../helpers/fixtures.js';
import { writeSyntheticGeneration } from '../helpers/synthetic-index.js';

const values = (rows: Array<{ value: string }> | undefined) => (rows ?? []).map((row) => row.value);
const total = (rows: Array<{ count: number }> | undefined) => (rows ?? []).reduce((sum, row) => sum + row.count, 0);

describe('facets describe the result, not the whole index', () => {
  let engine: SearchEngine;
  beforeAll(() => {
    const effusion = (side: string, location: string, axis: number) =>
      annotationOf(
        { sequence: ['pleural_effusion', side, location.replace(' ', '_')], side, locations: [location] },
        axis,
      );
    const entries = [
      entryOf('lll', effusion('left', 'lower lobe', 0)),
      entryOf('lul', effusion('left', 'upper lobe', 1)),
      entryOf('rul', effusion('right', 'upper lobe', 2)),
      entryOf(
        'heart',
        annotationOf({ sequence: ['cardiomegaly'], disease: 'cardiomegaly', side: undefined, severity: undefined }, 3),
      ),
      { ...entryOf('portable', annotationOf({}, 4)), report: 'Portable film, rotated.' },
    ];
    engine = new SearchEngine(SearchIndex.open(writeSyntheticGeneration(tempDir(), entries)));
  });
  afterAll(() => engine.close());

  it('a query that matches nothing counts nothing, in the search response and in GET /api/facets', async () => {
    const response = await engine.search({ text: 'xyzzy' });
    expect(response.hits).toEqual([]);
    for (const rows of Object.values(response.facets)) expect(rows).toEqual([]);
    for (const rows of Object.values(engine.facets('xyzzy'))) expect(rows).toEqual([]);
    // A query of free words matches the images holding one of them, as the search counts its candidates.
    expect(total(engine.facets('portable').view)).toBe(1);
    expect(total(engine.facets().view)).toBe(5);
  });

  it('"left lower lobe effusion" offers "upper lobe" only when a hit has it', async () => {
    const top = await engine.search({ text: 'left lower lobe effusion', k: 1 });
    expect(top.hits.map((hit) => hit.imageId)).toEqual(['hand:lll']);
    expect(values(top.facets.location)).toEqual(['lower lobe']);
    expect(values(top.facets.side)).toEqual(['left']);
    const all = await engine.search({ text: 'left lower lobe effusion', k: 20 });
    const located = all.hits.flatMap((hit) => hit.generated.locations);
    expect(values(all.facets.location).sort()).toEqual([...new Set(located)].sort());
    expect(values(all.facets.side)).toEqual(['left']); // never the right effusion
  });

  it('an image search counts its hits, not every image', async () => {
    const vector = engine.index.store.embedding(engine.index.store.labelOf('hand:heart') as number, 'final');
    const response = await engine.search({ image: { vector: vector as Float32Array }, k: 2 });
    expect(response.hits).toHaveLength(2);
    expect(total(response.facets.view)).toBe(2);
    expect(total(response.facets.dataset)).toBe(2);
    expect(response.facets.disease).toContainEqual({ value: 'cardiomegaly', count: 1 });
  });
});
