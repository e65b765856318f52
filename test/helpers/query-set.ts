import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One line of the radiologist query set: the query and the concepts it should parse to. */
export interface ExpectedQuery {
  kind: string;
  query: string;
  concepts: ExpectedConcept[];
}

export interface ExpectedConcept {
  concept: string;
  side?: string;
  severity?: string;
  locations: string[];
  negated: boolean;
}

/** What a parser gave for one concept, in the same shape. */
export interface ParsedConcept {
  concept?: string;
  disease?: string;
  side?: string;
  severity?: string;
  locations: string[];
  negated: boolean;
}

export const QUERY_SET = fileURLToPath(new URL('../fixtures/radiologist-queries.tsv', import.meta.url));

export function readQuerySet(path = QUERY_SET): ExpectedQuery[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const [kind, query, expected] = line.split('\t') as [string, string, string];
      return { kind, query, concepts: expected.split(' ; ').map(readConcept) };
    });
}

function readConcept(text: string): ExpectedConcept {
  const concept: ExpectedConcept = { concept: '', locations: [], negated: false };
  const names: string[] = [];
  for (const part of text.trim().split(/ (?=side=|sev=|loc=|neg$)/)) {
    if (part.startsWith('side=')) concept.side = part.slice(5);
    else if (part.startsWith('sev=')) concept.severity = part.slice(4);
    else if (part.startsWith('loc=')) concept.locations.push(part.slice(4));
    else if (part === 'neg') concept.negated = true;
    else names.push(part);
  }
  concept.concept = names.join(' ');
  return concept;
}

/** The parse written as the fixture writes it, for comparing and for failure messages. */
export function describeConcepts(concepts: ParsedConcept[] | ExpectedConcept[]): string {
  return concepts
    .map((c) => {
      const name = ('concept' in c && c.concept) || ('disease' in c && c.disease) || '?';
      const parts = [name];
      if (c.side !== undefined) parts.push(`side=${c.side}`);
      if (c.severity !== undefined) parts.push(`sev=${c.severity}`);
      for (const location of [...c.locations].sort()) parts.push(`loc=${location}`);
      if (c.negated) parts.push('neg');
      return parts.join(' ');
    })
    .join(' ; ');
}

/** Accuracy by kind (a query counts when its whole parse matches) and the failures. */
export function scoreQuerySet(
  set: ExpectedQuery[],
  parse: (query: string) => ParsedConcept[],
): { byKind: Map<string, { right: number; total: number }>; failures: string[] } {
  const byKind = new Map<string, { right: number; total: number }>();
  const failures: string[] = [];
  for (const item of set) {
    const got = describeConcepts(parse(item.query));
    const want = describeConcepts(item.concepts);
    const tally = byKind.get(item.kind) ?? { right: 0, total: 0 };
    tally.total += 1;
    if (got === want) tally.right += 1;
    else failures.push(`${item.kind}\t${item.query}\n    want: ${want}\n    got:  ${got}`);
    byKind.set(item.kind, tally);
  }
  return { byKind, failures };
}
