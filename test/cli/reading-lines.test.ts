import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { annotationLines } from '../../src/cli/annotate.js';
import { responseLines } from '../../src/cli/search.js';
import { SearchEngine } from '../../src/search/engine.js';
import { SearchIndex } from '../../src/store/search-index.js';
import { annotationOf, entryOf, head } from '../helpers/annotations.js';
import { tempDir } from '../helpers/fixtures.js';
import { writeSyntheticGeneration } from '../helpers/synthetic-index.js';

const NORMAL = { sequence: ['normal'], disease: 'normal', side: undefined, severity: undefined };

describe('cxr annotate and cxr search print each calibrated figure once', () => {
  it('annotate: the class finding with its calibrated probability, the head findings below it', () => {
    const reading = annotationOf({
      confidence: 0.6,
      findings: head({ 'pleural effusion': 0.83, nodule: 0.2, pneumonia: 0.01, cardiomegaly: 0.55 }),
    });
    expect(annotationLines('x.png', reading)).toEqual([
      'x.png',
      '  pleural_effusion left small',
      '  disease pleural effusion (83%), side left, small',
      '  findings: cardiomegaly 55%, nodule 20%',
    ]);
  });

  it('annotate: a bundle without the head prints the class probability and alternatives, as before', () => {
    expect(annotationLines('x.png', annotationOf({ confidence: 0.6 }))).toEqual([
      'x.png',
      '  pleural_effusion left small',
      '  disease pleural effusion (60%), side left, small',
      '  alternatives: pleural effusion 60%',
    ]);
  });

  describe('search', () => {
    let engine: SearchEngine;
    beforeAll(() => {
      const entries = [
        entryOf('a', annotationOf({ readingConfidence: 0.4, findings: head({ 'pleural effusion': 0.91 }) }, 0)),
        entryOf('b', annotationOf({ ...NORMAL, readingConfidence: 0.3, findings: head({ pneumonia: 0.77 }) }, 1)),
        entryOf('c', annotationOf({ ...NORMAL, readingConfidence: 0.35 }, 2)),
      ];
      engine = new SearchEngine(SearchIndex.open(writeSyntheticGeneration(tempDir(), entries)));
    });
    afterAll(() => engine.close());

    const hitLine = (lines: string[], id: string) => lines.find((line) => line.includes(`hand:${id}`)) ?? '';

    it("one conf figure a hit: the matched finding's calibrated probability, named when the annotation is not it", async () => {
      const lines = responseLines(await engine.search({ text: 'pneumonia' }));
      expect(hitLine(lines, 'b')).toMatch(/ 77% {2}pneumonia generated$/);
      expect(lines.join('\n').match(/%/g)).toHaveLength(1);
      const browse = responseLines(await engine.search({}));
      expect(hitLine(browse, 'a')).toMatch(/ 91% {2}$/);
      expect(hitLine(browse, 'c')).toMatch(/ 35% {2}$/); // no head probability: the reading confidence, as before
    });
  });
});
