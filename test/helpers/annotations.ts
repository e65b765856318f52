import type { Annotation, FindingProbability } from '../../src/cascade/annotator.js';
import { toIndexEntry } from '../../src/indexer/entry.js';
import type { Finding, IndexEntry } from '../../src/store/index-store.js';

/**
 * A hand-made cascade reading: a left small pleural effusion by default, no per-finding head (`findings: []`, as a
 * bundle trained before the head reads), unit embeddings along `axis`.
 */
export function annotationOf(over: Partial<Annotation> = {}, axis = 0, dims = 8): Annotation {
  const unit = Float32Array.from({ length: dims }, (_, j) => (j === axis % dims ? 1 : 0.01 * j));
  return {
    sequence: ['pleural_effusion', 'left', 'small'],
    disease: 'pleural effusion',
    locations: [],
    side: 'left',
    severity: 'small',
    confidence: 0.6,
    readingConfidence: 0.5,
    alternatives: [{ disease: 'pleural effusion', probability: 0.6 }],
    scores: [],
    findings: [],
    embeddings: { first: unit, final: unit },
    ...over,
  };
}

/** The per-finding head's output from `{ finding: probability }`. */
export function head(probabilities: Record<string, number>): FindingProbability[] {
  return Object.entries(probabilities).map(([finding, probability]) => ({ finding, probability }));
}

/** An index entry for a reading, through the indexer's own `toIndexEntry`; `truth` as the dataset states it. */
export function entryOf(id: string, annotation: Annotation, truth: Finding[] = []): IndexEntry {
  return toIndexEntry(
    {
      imageId: `hand:${id}`,
      dataset: 'hand',
      file: `/nonexistent/${id}.png`,
      view: 'PA',
      split: 'train',
      truth: { annotations: truth.map((f) => f.disease), findings: truth },
    },
    annotation,
  );
}
