import type { StoredEntry } from '../store/index-store.js';
import type { Concept } from './query-parser.js';
import type { ConceptMatch } from './text-search.js';

/** A figure and the finding it is about; `calibrated` when it is the per-finding head's probability. */
export interface HitConfidence {
  finding: string;
  probability: number;
  calibrated: boolean;
}

/**
 * The one confidence a hit is shown with (the CLI's column, the page's card): the calibrated probability of the
 * generated finding the query matched (the first concept that has one), else that of the image's class-head
 * finding when the per-finding head has it, else — bundles without the head — the confidence in the whole
 * reading, as before.
 */
export function hitConfidence(
  generated: StoredEntry['generated'],
  matches: ConceptMatch[],
  concepts: Concept[],
): HitConfidence {
  for (const [i, match] of matches.entries()) {
    const finding = concepts[i]?.disease;
    if (match.probability !== undefined && finding !== undefined) {
      return { finding, probability: match.probability, calibrated: true };
    }
  }
  const classFinding = generated.findings[0];
  if (classFinding?.probability !== undefined) {
    return { finding: classFinding.disease, probability: classFinding.probability, calibrated: true };
  }
  return {
    finding: generated.disease,
    probability: generated.readingConfidence ?? generated.confidence,
    calibrated: false,
  };
}
