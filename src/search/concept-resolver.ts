import { CONCEPTS, type RadiologyConcept } from '../labels/vocabulary/concepts.js';
import { conceptNamed, termKey } from '../labels/vocabulary/lexicon.js';

/** The diseases an index knows (lower case, as stored), which concepts resolve to. */
export interface QueryVocabulary {
  diseases: readonly string[];
}

/** A concept the query asks about that the index holds no finding of, with what it does hold nearby. */
export interface UnheldConcept {
  concept: string;
  /** Concepts the index holds that a radiologist would look at instead (related first), as the index names them. */
  nearest: string[];
}

/** How many nearest concepts an unheld one names. */
const NEAREST = 5;

/**
 * The index's name for a concept: its own name, the miner's heading, a dataset's name, then one of its terms, as the
 * index spells it (`pleural_thickening`, `catheters, indwelling` and `pleural thickening` all compare as words).
 */
export function heldDisease(concept: RadiologyConcept, vocabulary: QueryVocabulary): string | undefined {
  const held = heldByKey(vocabulary);
  for (const name of [concept.name, concept.heading, ...(concept.datasetNames ?? []), ...(concept.terms ?? [])]) {
    if (name === undefined) continue;
    const disease = held.get(termKey(name));
    if (disease !== undefined) return disease;
  }
  return undefined;
}

/** Held concepts near an unheld one: its related concepts, those that list it as related, then its kind's. */
export function nearestHeld(concept: RadiologyConcept, vocabulary: QueryVocabulary): string[] {
  const candidates = [
    ...(concept.related ?? []).map(conceptNamed),
    ...CONCEPTS.filter((c) => c.related?.includes(concept.name)),
    ...CONCEPTS.filter((c) => c.kind === concept.kind),
  ];
  const nearest: string[] = [];
  for (const candidate of candidates) {
    if (candidate === undefined || candidate === concept) continue;
    const disease = heldDisease(candidate, vocabulary);
    if (disease !== undefined && !nearest.includes(disease)) nearest.push(disease);
    if (nearest.length === NEAREST) break;
  }
  return nearest;
}

const keyed = new WeakMap<QueryVocabulary, Map<string, string>>();

function heldByKey(vocabulary: QueryVocabulary): Map<string, string> {
  let held = keyed.get(vocabulary);
  if (held === undefined) {
    held = new Map();
    for (const disease of vocabulary.diseases) if (!held.has(termKey(disease))) held.set(termKey(disease), disease);
    keyed.set(vocabulary, held);
  }
  return held;
}
