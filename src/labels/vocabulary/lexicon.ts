import { CONCEPTS, type RadiologyConcept } from './concepts.js';
import { pluralsOf, usSpelling } from './spelling.js';

/**
 * The concepts' terms as word sequences, for reading text word by word: every name, dataset name, heading and term,
 * in US spelling, without filler words, with the plural forms of its last word. A term names one concept; when two
 * concepts would share one, the first listed keeps it (names and terms come before headings).
 */

/** Words a phrase can carry or lose without changing what it names ("blunting of the costophrenic angle"). */
export const FILLER_WORDS = new Set(['a', 'an', 'the', 'of', 'in', 'on', 'at', 'to', 'is', 'are', 'was', 'were', 'be']);

/** Lower case, US spelling, words only ("Pleural_Thickening" → ["pleural", "thickening"]). */
export function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0)
    .map(usSpelling);
}

/** A phrase's words without filler, joined by single spaces: the key terms are looked up by. */
export function termKey(text: string): string {
  return wordsOf(text)
    .filter((w) => !FILLER_WORDS.has(w))
    .join(' ');
}

export interface Lexicon {
  /** Term key → the concept it names. */
  terms: Map<string, RadiologyConcept>;
  /** Longest term, in words. */
  longest: number;
  /** Every word of every term (plural forms included): what typo correction corrects towards. */
  words: Set<string>;
  byName: Map<string, RadiologyConcept>;
  /** Heading (lower case) → concepts the miner indexes under it. */
  byHeading: Map<string, RadiologyConcept[]>;
}

function buildLexicon(concepts: readonly RadiologyConcept[]): Lexicon {
  const terms = new Map<string, RadiologyConcept>();
  const add = (text: string, concept: RadiologyConcept) => {
    const key = termKey(text);
    if (key === '') return;
    const words = key.split(' ');
    const last = words.at(-1) as string;
    for (const form of [last, ...(last.length > 2 ? pluralsOf(last) : [])]) {
      const variant = [...words.slice(0, -1), form].join(' ');
      if (!terms.has(variant)) terms.set(variant, concept);
    }
  };
  for (const concept of concepts) {
    add(concept.name, concept);
    for (const term of [...(concept.datasetNames ?? []), ...(concept.terms ?? [])]) add(term, concept);
  }
  for (const concept of concepts) if (concept.heading !== undefined) add(concept.heading, concept);
  const byHeading = new Map<string, RadiologyConcept[]>();
  for (const concept of concepts) {
    if (concept.heading === undefined) continue;
    const heading = concept.heading.toLowerCase();
    byHeading.set(heading, [...(byHeading.get(heading) ?? []), concept]);
  }
  const keys = [...terms.keys()];
  return {
    terms,
    longest: Math.max(...keys.map((k) => k.split(' ').length)),
    words: new Set(keys.flatMap((k) => k.split(' '))),
    byName: new Map(concepts.map((c) => [c.name, c])),
    byHeading,
  };
}

export const LEXICON: Lexicon = buildLexicon(CONCEPTS);

export function conceptNamed(name: string): RadiologyConcept | undefined {
  return LEXICON.byName.get(name);
}
