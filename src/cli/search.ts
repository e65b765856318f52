import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { selectBackend } from '../cascade/backend.js';
import { loadBundle } from '../cascade/bundle/load.js';
import { cxrError } from '../errors.js';
import { type ImageQuery, SearchEngine, type SearchResponse } from '../search/engine.js';
import type { FilterFields } from '../search/query-parser.js';
import type { WordField } from '../search/text-search.js';
import type { FindingSource } from '../store/index-store.js';
import { type BackendOptions, backendRequest, withBackendOption } from './backend-option.js';
import { DEFAULT_INDEX } from './build.js';
import { percent, readingFigure } from './reading.js';
import { choiceOption, integerOption } from './shared-options.js';

interface SearchCliOptions extends BackendOptions {
  index: string;
  image?: string;
  like?: string;
  filter: string[];
  k: string;
  mode: string;
  embedding: string;
  json?: boolean;
}

/** `cxr search "left lower lobe effusion" [--image q.png | --like ID] [--filter disease=…] [-k 20] [--json]`. */
export function registerSearchCommand(program: Command): void {
  withBackendOption(program.command('search'))
    .description('Search the index by text, by an example image, or both')
    .argument('[text...]', 'the query: findings, sides, places, severities, `field:value`, free words')
    .option('--index <dir>', 'the search index folder', DEFAULT_INDEX)
    .option('--image <file>', 'search by this image (PNG, JPEG, DICOM)')
    .option('--like <id>', 'search by an indexed image ("more like this")')
    .option(
      '--filter <field=value>',
      'a hard filter (disease, side, severity, location, view, split, dataset, source, confidence); repeatable',
      collect,
      [],
    )
    .option('-k, --k <n>', 'hits', '20')
    .option('--mode <mode>', 'text + image: fuse (RRF) | filter (text filters, image ranks)', 'fuse')
    .option('--embedding <cnn>', 'image similarity by the first | final CNN', 'final')
    .option('--json', 'the full response (parse, plan, timings, hits) as JSON')
    .action(async (words: string[], options: SearchCliOptions) => {
      const image = await imageQuery(options);
      const engine = SearchEngine.open(options.index, {
        loadAnnotator: async (bundle) => {
          await selectBackend(backendRequest(options));
          return loadBundle(bundle);
        },
      });
      try {
        const response = await engine.search({
          text: words.join(' '),
          image,
          filters: parseFilters(options.filter),
          k: integerOption('k', options.k, 1, 500),
          mode: choiceOption('mode', options.mode, ['fuse', 'filter'] as const),
          embedding: choiceOption('embedding', options.embedding, ['first', 'final'] as const),
        });
        if (options.json) console.log(JSON.stringify(response, null, 2));
        else for (const line of responseLines(response)) console.log(line);
      } finally {
        await engine.close();
      }
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseFilters(pairs: string[]): FilterFields {
  const filters: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw cxrError('QUERY_INVALID', `--filter takes field=value, not '${pair}'`, { filter: pair });
    filters[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return filters;
}

async function imageQuery(options: SearchCliOptions): Promise<ImageQuery | undefined> {
  if (options.image !== undefined && options.like !== undefined) {
    throw cxrError('INVALID_OPTION', 'give --image or --like, not both');
  }
  if (options.like !== undefined) return { id: options.like };
  if (options.image !== undefined) {
    const bytes = await readFile(options.image).catch(() => {
      throw cxrError('IMAGE_MISSING', `cannot read ${options.image}`, { path: options.image });
    });
    return { bytes: new Uint8Array(bytes) };
  }
  return undefined;
}

/** The response for people: the parse, the plan, one line a hit with its one confidence (see `hitConfidence`). */
export function responseLines(response: SearchResponse): string[] {
  const lines: string[] = [];
  const parse = response.parse;
  const concepts = parse.concepts.map(
    (c) =>
      `${c.negated ? 'NOT ' : ''}${[c.disease, c.side, c.severity, ...c.locations].filter(Boolean).join(' / ') || c.text}`,
  );
  lines.push(
    `query: ${[...concepts, ...parse.words.map((w) => `"${w}"`)].join(', ') || '(everything)'}${parse.source === 'any' ? '' : ` [source ${parse.source}]`}`,
  );
  if (response.queryAnnotation) {
    const a = response.queryAnnotation;
    lines.push(`query image reads: ${a.sequence.join(' ')} (${a.disease}, ${percent(readingFigure(a))})`);
  }
  const plan = response.plan;
  const image = plan.image
    ? ` image ${plan.image.strategy}${'filterMatches' in plan.image ? ` over ${plan.image.filterMatches}` : ''}`
    : '';
  lines.push(
    `plan: ${plan.kind}${plan.mode ? ` (${plan.mode})` : ''}${plan.text ? ` text candidates ${plan.text.candidates}` : ''}${image}; ${response.timings.totalMs} ms`,
  );
  for (const line of unheldLines(response.parse.unheld)) lines.push(line);
  if (response.hits.length === 0) {
    lines.push('no images match');
    return lines;
  }
  lines.push(
    `\n${'#'.padStart(3)}  ${'image'.padEnd(34)} ${'generated annotation'.padEnd(40)} ${'conf'.padStart(4)}  why`,
  );
  for (const hit of response.hits) {
    const why = [
      ...hit.why.concepts.map((c) => `${c.sources.map(sourceName).join('+') || '-'}${c.location ? ' @place' : ''}`),
      ...hit.why.words.map((w) => `${w.word}:${w.fields.map(fieldName).join('+')}`),
      hit.why.distance === undefined ? '' : `d=${hit.why.distance.toFixed(3)}`,
      hit.why.fusedScore === undefined ? '' : `rrf ${hit.why.textRank ?? '-'}/${hit.why.imageRank ?? '-'}`,
    ]
      .filter(Boolean)
      .join(' ');
    // The figure is about the hit's finding; name it when the annotation column does not.
    const { finding, probability } = hit.confidence;
    const about = hit.generated.disease.split(' + ').includes(finding) ? '' : `${finding} `;
    lines.push(
      `${String(hit.rank).padStart(3)}  ${hit.imageId.slice(0, 34).padEnd(34)} ${hit.generated.sequence.join(' ').slice(0, 40).padEnd(40)} ${percent(probability).padStart(4)}  ${about}${why}`,
    );
    // What the collection itself says of the image: its stated annotations, else what its report says.
    if (hit.fromReport.length > 0) lines.push(`${' '.repeat(5)}from the report: ${hit.fromReport.join('; ')}`);
  }
  return lines;
}

/** A finding source as the table says it. */
function sourceName(source: FindingSource): string {
  return source === 'report' ? 'from the report' : source;
}

/** An FTS column as the table says it: `report` is what a report affirms. */
function fieldName(field: WordField): string {
  return field === 'report_doubted' ? 'report (doubted)' : field;
}

/** A concept the index holds no finding of, said plainly with what it does hold nearby. */
export function unheldLines(unheld: SearchResponse['parse']['unheld']): string[] {
  return unheld.map(
    (u) =>
      `this index holds no finding of ${u.concept}${u.nearest.length > 0 ? `; nearest it holds: ${u.nearest.join(', ')}` : ''}`,
  );
}
