import type { ParsedAnnotation } from './mesh.js';
import { LATERALITIES, LOCATIONS, SEVERITIES } from './vocabulary/qualifiers.js';

/** The end token the RNN appends after the last word. */
export const END_TOKEN = '<end>';

/** One annotation as RNN words: pieces in order, multi-word terms joined (`upper lobe` → `upper_lobe`), at most `maxWords`. */
export function annotationWords(parsed: ParsedAnnotation, maxWords = 5): string[] {
  return parsed.pieces
    .map(toWord)
    .filter((word) => word.length > 0)
    .slice(0, maxWords);
}

export function toWord(term: string): string {
  return term.replace(/[,()]/g, ' ').trim().replace(/\s+/g, '_');
}

/** The qualifier vocabulary as sequence words, for reading side, location and severity back out of a sequence. */
export const SIDE_WORDS: ReadonlySet<string> = new Set(LATERALITIES.map(toWord));
export const SEVERITY_WORDS: ReadonlySet<string> = new Set(SEVERITIES.map(toWord));
export const LOCATION_WORDS: ReadonlySet<string> = new Set([...LOCATIONS].map(toWord));
