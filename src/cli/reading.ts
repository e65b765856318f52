import type { Annotation, FindingProbability } from '../cascade/annotator.js';
import { STORED_PROBABILITY_FLOOR } from '../indexer/entry.js';

type Reading = Pick<Annotation, 'disease' | 'confidence' | 'findings'>;

export const percent = (p: number): string => `${(p * 100).toFixed(0)}%`;

/**
 * The one figure a reading is printed with: the per-finding head's calibrated probability of the class's (first)
 * finding when the head has it, else — bundles without the head — the class probability, as before.
 */
export function readingFigure(reading: Reading): number {
  const first = reading.disease.split(' + ')[0];
  return reading.findings.find((f) => f.finding === first)?.probability ?? reading.confidence;
}

/** The head's findings the class does not name, at or above the index's floor, most probable first. */
export function otherFindings(reading: Reading): FindingProbability[] {
  const named = new Set(reading.disease.split(' + '));
  return reading.findings
    .filter((f) => !named.has(f.finding) && f.probability >= STORED_PROBABILITY_FLOOR)
    .sort((a, b) => b.probability - a.probability);
}
