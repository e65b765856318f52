import { describe, expect, it } from 'vitest';
import { generatedFindings, STORED_PROBABILITY_FLOOR } from '../../src/indexer/entry.js';
import { annotationOf, head } from '../helpers/annotations.js';

describe('generatedFindings', () => {
  it('a bundle without the per-finding head (findings: []) gives the class findings alone, no probability', () => {
    const findings = generatedFindings(annotationOf({ locations: ['base'] }));
    expect(findings).toEqual([{ disease: 'pleural effusion', side: 'left', severity: 'small', locations: ['base'] }]);
    expect(findings[0]).not.toHaveProperty('probability');
  });

  it("the class finding keeps its place and context, with the head's probability; other head findings follow", () => {
    const annotation = annotationOf({
      locations: ['base'],
      findings: head({ cardiomegaly: 0.3, 'pleural effusion': 0.82, pneumonia: 0.04, nodule: 0.6 }),
    });
    expect(generatedFindings(annotation)).toEqual([
      { disease: 'pleural effusion', side: 'left', severity: 'small', locations: ['base'], probability: 0.82 },
      { disease: 'nodule', locations: [], probability: 0.6 },
      { disease: 'cardiomegaly', locations: [], probability: 0.3 },
    ]);
    expect(STORED_PROBABILITY_FLOOR).toBeCloseTo(0.05, 10);
  });

  it('keeps the class finding even when the head puts it below the floor; a class the head lacks has none', () => {
    const low = generatedFindings(annotationOf({ findings: head({ 'pleural effusion': 0.01 }) }));
    expect(low).toEqual([expect.objectContaining({ disease: 'pleural effusion', probability: 0.01 })]);
    const normal = generatedFindings(
      annotationOf({ sequence: ['normal'], disease: 'normal', side: undefined, severity: undefined }),
    );
    expect(normal).toEqual([{ disease: 'normal', locations: [] }]);
    const combined = generatedFindings(
      annotationOf({
        sequence: ['cardiomegaly', 'mild'],
        disease: 'cardiomegaly + pleural effusion',
        side: undefined,
        severity: 'mild',
        findings: head({ 'pleural effusion': 0.7, cardiomegaly: 0.9 }),
      }),
    );
    expect(combined).toEqual([
      { disease: 'cardiomegaly', severity: 'mild', locations: [], probability: 0.9 },
      { disease: 'pleural effusion', locations: [], probability: 0.7 },
    ]);
  });
});
