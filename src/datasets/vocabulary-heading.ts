import type { RadiologyConcept } from '../labels/vocabulary/concepts.js';
import { LEXICON, termKey } from '../labels/vocabulary/lexicon.js';
import { NORMAL } from '../labels/vocabulary/qualifiers.js';

/**
 * The vocabulary's concept a dataset's label names, read as the query parser reads a phrase: any case, `_` or `-`
 * for spaces, US or British spelling, plural or not, a name, a dataset name or one of its terms
 * (`PNEUMONIA`, `Pleural_Effusion`, `No_findings`). Exact words only: a label is a name, not a sentence to correct.
 */
export function conceptOfLabel(label: string): RadiologyConcept | undefined {
  const key = termKey(label);
  return key === '' ? undefined : LEXICON.terms.get(key);
}

/**
 * A dataset's label as ground truth: the vocabulary heading of the concept it names (`Pleural_Effusion` →
 * `Pleural Effusion`, `No Finding` → `normal`), so every collection's truth is stored under the names the report
 * miner and the query parser use. A concept without a heading keeps its canonical name; a label the vocabulary does
 * not know stays as the dataset wrote it.
 */
export function headingOfLabel(label: string): string {
  const concept = conceptOfLabel(label);
  if (concept === undefined) return label.trim();
  if (concept.kind === 'normal') return NORMAL;
  return concept.heading ?? concept.name;
}
