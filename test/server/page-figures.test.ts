import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SearchEngine } from '../../src/search/engine.js';
import { createApp } from '../../src/server/app.js';
import { SearchIndex } from '../../src/store/search-index.js';
import { annotationOf, entryOf, head } from '../helpers/annotations.js';
import { tempDir } from '../helpers/fixtures.js';
import { writeSyntheticGeneration } from '../helpers/synthetic-index.js';

interface Figures {
  readingFigure(reading: unknown): number;
  otherFindings(reading: unknown): string[];
  alsoRead(reading: unknown): string;
  hasHead(reading: unknown): boolean;
}

/** The page's own module (plain JavaScript, also what the browser runs). */
const figures = async () => (await import(new URL('../../web/figures.js', import.meta.url).href)) as Figures;

describe("the page's figures: one confidence a reading", () => {
  let engine: SearchEngine;
  beforeAll(() => {
    const entries = [
      entryOf('a', annotationOf({ readingConfidence: 0.4, findings: head({ 'pleural effusion': 0.91, nodule: 0.3 }) })),
      entryOf('b', annotationOf({ readingConfidence: 0.45 }, 1)),
    ];
    engine = new SearchEngine(SearchIndex.open(writeSyntheticGeneration(tempDir(), entries)));
  });
  afterAll(() => engine.close());

  it("an indexed image with the head: the class finding's calibrated probability, the others in the detail", async () => {
    const { readingFigure, otherFindings, hasHead } = await figures();
    const app = createApp({ engine, log: () => {} });
    const { body } = await request(app).get('/api/images/hand:a').expect(200);
    expect(readingFigure(body.generated)).toBe(0.91);
    expect(otherFindings(body.generated)).toEqual(['nodule 30\u00a0%']);
    expect(hasHead(body.generated)).toBe(true);
    const old = (await request(app).get('/api/images/hand:b').expect(200)).body;
    expect(readingFigure(old.generated)).toBe(0.45); // without the head: the reading confidence, as the card showed
    expect(hasHead(old.generated)).toBe(false);
    const script = await request(app).get('/figures.js').expect(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
  });

  it("an upload's reading: the head's findings ({finding, probability}) or, without it, the class alternatives", async () => {
    const { readingFigure, alsoRead } = await figures();
    const { embeddings: _, ...withHead } = annotationOf({
      findings: head({ 'pleural effusion': 0.7, pneumonia: 0.6, nodule: 0.01 }),
    });
    expect(readingFigure(withHead)).toBe(0.7);
    expect(alsoRead(withHead)).toBe('other findings: pneumonia 60\u00a0%');
    const { embeddings: __, ...old } = annotationOf({ confidence: 0.6, readingConfidence: 0.5 });
    expect(readingFigure(old)).toBe(0.5);
    expect(alsoRead(old)).toBe('alternatives: pleural effusion 60\u00a0%');
  });
});
