import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Annotation } from '../../src/cascade/annotator.js';
import { SearchEngine, type SearchHit } from '../../src/search/engine.js';
import { SearchIndex } from '../../src/store/search-index.js';
import { annotationOf, entryOf, head } from '../helpers/annotations.js';
import { tempDir } from '../helpers/fixtures.js';
import { writeSyntheticGeneration } from '../helpers/synthetic-index.js';

const PNEUMONIA = { sequence: ['pneumonia', 'right'], disease: 'pneumonia', side: 'right', severity: undefined };
const NORMAL = { sequence: ['normal'], disease: 'normal', side: undefined, severity: undefined };

/** Seven readings; `withHead` false reads them as a bundle without the per-finding head (findings: []). */
function readings(withHead: boolean): Array<[string, Partial<Annotation>, boolean]> {
  const h = (p: Record<string, number>) => (withHead ? head(p) : []);
  return [
    ['a', { ...PNEUMONIA, confidence: 0.7, readingConfidence: 0.6, findings: h({ pneumonia: 0.9 }) }, false],
    ['b', { ...NORMAL, confidence: 0.5, readingConfidence: 0.5, findings: h({ pneumonia: 0.7 }) }, false],
    ['c', { ...NORMAL, confidence: 0.5, readingConfidence: 0.5, findings: h({ pneumonia: 0.3 }) }, false],
    ['d', { ...PNEUMONIA, confidence: 0.99, readingConfidence: 0.95, findings: h({ pneumonia: 0.6 }) }, false],
    ['e', { ...NORMAL, confidence: 0.5, readingConfidence: 0.5, findings: h({ pneumonia: 0.04 }) }, true],
    [
      'f',
      {
        sequence: ['cardiomegaly'],
        disease: 'cardiomegaly',
        side: undefined,
        severity: undefined,
        confidence: 0.8,
        readingConfidence: 0.7,
        findings: h({ cardiomegaly: 0.8, pneumonia: 0.55 }),
      },
      false,
    ],
    ['g', { ...PNEUMONIA, confidence: 0.3, readingConfidence: 0.2, findings: h({ pneumonia: 0.01 }) }, false],
  ];
}

function engineOver(withHead: boolean): SearchEngine {
  const entries = readings(withHead).map(([id, over, statesPneumonia], i) =>
    entryOf(id, annotationOf(over, i), statesPneumonia ? [{ disease: 'pneumonia', locations: [] }] : []),
  );
  return new SearchEngine(SearchIndex.open(writeSyntheticGeneration(tempDir(), entries)));
}

const ids = (hits: SearchHit[]) => hits.map((h) => h.imageId.replace('hand:', ''));
const probabilities = (hits: SearchHit[]) => hits.map((h) => h.why.concepts[0]?.probability);

describe('search over per-finding probabilities', () => {
  let engine: SearchEngine;
  beforeAll(() => {
    engine = engineOver(true);
  });
  afterAll(() => engine.close());

  it('a generated finding ranks by its calibrated probability, not the reading confidence; why says it', async () => {
    const { hits } = await engine.search({ text: 'pneumonia', k: 20 });
    // e: stated by the dataset (its head's 0.04 is below the floor); d reads more confidently than a but its head
    // gives pneumonia 0.6; c (0.3) and g (0.01) are below 0.5.
    expect(ids(hits)).toEqual(['e', 'a', 'b', 'd', 'f']);
    expect(probabilities(hits)).toEqual([undefined, 0.9, 0.7, 0.6, 0.55]);
    expect(hits.map((h) => h.why.concepts[0]?.sources)).toEqual([
      ['truth'],
      ['generated'],
      ['generated'],
      ['generated'],
      ['generated'],
    ]);
    expect(hits[1]?.score).toBeCloseTo(0.9 + 0.001 * 0.6, 6);
    expect(hits[1]?.confidence).toEqual({ finding: 'pneumonia', probability: 0.9, calibrated: true });
    expect(hits[2]?.confidence).toEqual({ finding: 'pneumonia', probability: 0.7, calibrated: true });
    // Matched by the truth only: the class finding (normal) has no calibrated probability, so the reading's.
    expect(hits[0]?.confidence).toEqual({ finding: 'normal', probability: 0.5, calibrated: false });
  });

  it('confidence:X moves the threshold for generated findings only; the truth still matches', async () => {
    expect(ids((await engine.search({ text: 'pneumonia confidence:0.65' })).hits)).toEqual(['e', 'a', 'b']);
    expect(ids((await engine.search({ text: 'pneumonia', filters: { confidence: '0.2' } })).hits)).toEqual([
      'e',
      'a',
      'b',
      'd',
      'f',
      'c',
    ]);
    expect(ids((await engine.search({ text: 'pneumonia source:generated' })).hits)).toEqual(['a', 'b', 'd', 'f']);
  });

  it('a negation excludes generated findings present at 0.5 (or confidence:), not those below', async () => {
    expect(ids((await engine.search({ text: 'no pneumonia' })).hits).sort()).toEqual(['c', 'g']);
    // f's pneumonia (0.55) is below 0.58, so f is not excluded; and it has a finding at 0.58 (cardiomegaly 0.8).
    expect(ids((await engine.search({ text: 'no pneumonia confidence:0.58' })).hits)).toEqual(['f']);
  });

  it('confidence:X alone keeps images with some generated finding present at X', async () => {
    // d's class confidence is 0.99, but its head gives its finding 0.6; normal readings have no head probability
    // and a class confidence of 0.5.
    expect(ids((await engine.search({ text: 'confidence:0.85' })).hits)).toEqual(['a']);
    const image = await engine.search({
      image: { vector: engine.index.store.embedding(1, 'final') as Float32Array },
      filters: { confidence: '0.85' },
    });
    expect(ids(image.hits)).toEqual(['a']);
  });

  it('image search filtered by a disease query uses the same threshold', async () => {
    const vector = engine.index.store.embedding(3, 'final') as Float32Array;
    const filtered = await engine.search({ text: 'pneumonia', image: { vector }, mode: 'filter' });
    expect(ids(filtered.hits).sort()).toEqual(['a', 'b', 'd', 'e', 'f']);
  });

  it('facets count generated findings only where present', () => {
    expect(engine.facets().disease).toEqual([
      { value: 'pneumonia', count: 4 }, // a, b, d, f: not c (0.3), nor g (its class finding, 0.01)
      { value: 'normal', count: 3 }, // b, c, e: no head probability of normal, so present as before
      { value: 'cardiomegaly', count: 1 },
    ]);
    expect(engine.facets('confidence:0.2').disease?.[0]).toEqual({ value: 'pneumonia', count: 5 });
  });
});

describe('an index from a bundle without the per-finding head (findings: [])', () => {
  let engine: SearchEngine;
  beforeAll(() => {
    engine = engineOver(false);
  });
  afterAll(() => engine.close());

  it('searches as before: class findings match at any confidence and rank by the reading confidence', async () => {
    const { hits } = await engine.search({ text: 'pneumonia', k: 20 });
    expect(ids(hits)).toEqual(['e', 'd', 'a', 'g']); // the truth first, then reading confidence 0.95, 0.6, 0.2
    expect(hits.map((h) => h.score)).toEqual([1 + 0.001 * 0.5, 0.95 * 1.001, 0.6 * 1.001, 0.2 * 1.001].map(round6));
    expect(probabilities(hits)).toEqual([undefined, undefined, undefined, undefined]);
    expect(hits.map((h) => h.confidence)).toEqual([
      { finding: 'normal', probability: 0.5, calibrated: false },
      { finding: 'pneumonia', probability: 0.95, calibrated: false },
      { finding: 'pneumonia', probability: 0.6, calibrated: false },
      { finding: 'pneumonia', probability: 0.2, calibrated: false },
    ]);
    for (const hit of hits) expect(hit.generated.findings.every((f) => f.probability === undefined)).toBe(true);
    expect(ids((await engine.search({ text: 'no pneumonia' })).hits).sort()).toEqual(['b', 'c', 'f']);
  });

  it('confidence:X keeps the images whose class confidence reaches X, and thresholds generated matches by it', async () => {
    expect(ids((await engine.search({ text: 'confidence:0.75' })).hits).sort()).toEqual(['d', 'f']);
    expect(ids((await engine.search({ text: 'pneumonia source:generated confidence:0.75' })).hits)).toEqual(['d']);
    // The one change for such indexes: a finding the dataset states matches whatever the class confidence (e: 0.5).
    expect(ids((await engine.search({ text: 'pneumonia confidence:0.75' })).hits)).toEqual(['e', 'd']);
    expect(engine.facets().disease).toEqual([
      { value: 'normal', count: 3 },
      { value: 'pneumonia', count: 3 },
      { value: 'cardiomegaly', count: 1 },
    ]);
  });
});

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
