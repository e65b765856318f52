import { z } from 'zod';
import type { Box } from '../datasets/record.js';
import { cxrError } from '../errors.js';
import type { Catalog } from '../store/catalog.js';
import { type ParsedAnnotation, parseFinding, parseMesh } from './mesh.js';
import { mineReport } from './reports/miner.js';
import { annotationWords } from './sequences.js';
import { assignSplits, type Split } from './splits.js';
import { NORMAL } from './vocabulary/qualifiers.js';

export const MiningOptions = z.object({
  /** A pattern with at least this many images is a class (the paper: 30). */
  minCases: z.number().int().min(1).default(30),
  seed: z.number().int().default(1),
  /** Words per annotation sequence, before the end token (the paper: 5). */
  maxWords: z.number().int().min(1).max(20).default(5),
  minHeldOut: z.number().int().min(0).default(10),
  /** Only this dataset's images; default all. */
  dataset: z.string().optional(),
  /**
   * Where the ground truth comes from: `mesh` (manual MeSH annotations), `dataset` (published labels), `reports`
   * (every report mined afresh, annotated or not), or `auto`: each study's stated annotations, else the findings the
   * miner read in its report (stored at import, or by `cxr labels --remine`).
   */
  labels: z.enum(['auto', 'mesh', 'dataset', 'reports']).default('auto'),
});
export type MiningOptions = z.input<typeof MiningOptions>;

export interface ClassStats {
  name: string;
  images: number;
  train: number;
  validation: number;
  test: number;
}

export interface MiningStats {
  images: number;
  labelledImages: number;
  classImages: number;
  classes: ClassStats[];
  /** The most frequent patterns, classes or not. */
  patterns: Array<{ pattern: string; images: number }>;
  /** Over every positive annotation of every image, `normal` included, uncapped (the paper: mean 2.56, std 1.36). */
  annotationLength: { mean: number; std: number; min: number; max: number; count: number };
  /** Over the class images' sequences, capped at maxWords. */
  sequenceLength: { mean: number; std: number; max: number };
  vocabulary: { size: number; words: Array<{ word: string; count: number }> };
  splits: Record<Split, number>;
}

interface ImageRow {
  id: string;
  study_id: string;
  patient_id: string | null;
  official_split: Split | null;
}

interface AnnotationRow {
  study_id: string;
  image_id: string | null;
  kind: 'mesh' | 'finding';
  raw: string;
  box: string | null;
  certainty: 'positive' | 'uncertain';
}

interface Labelled {
  image: ImageRow;
  pattern: string;
  sequence: string[];
  /** Top terms stated uncertain and not also positive. */
  uncertain: string[];
}

/**
 * Label mining as in the paper: each image's set of top terms is its pattern; patterns with at least `minCases`
 * images are the classes; each image's annotation becomes a word sequence; images are split 80/10/10 per pattern
 * by patient (or report), deterministically by seed. Replaces the dataset's previous labels in one transaction.
 */
export function mineLabels(catalog: Catalog, input: MiningOptions = {}): MiningStats {
  const options = MiningOptions.parse(input);
  const { images, annotationsByStudy } = load(catalog, options.dataset, options.labels);
  const lengths: number[] = [];
  const labelled: Labelled[] = [];
  for (const image of images) {
    const rows = (annotationsByStudy.get(image.study_id) ?? []).filter(
      (row) => row.image_id === null || row.image_id === image.id,
    );
    const parsed = rows
      .filter((row) => row.certainty === 'positive')
      .map(parseRow)
      .filter((annotation) => annotation.isFinding);
    for (const annotation of parsed) lengths.push(annotation.pieces.length);
    const label = labelOf(parsed, options.maxWords);
    if (label !== undefined) labelled.push({ image, ...label, uncertain: uncertainTerms(rows, label.pattern) });
  }
  const patternCounts = countBy(labelled.map((item) => item.pattern));
  const classNames = [...patternCounts].filter(([, n]) => n >= options.minCases).map(([pattern]) => pattern);
  if (classNames.length === 0) {
    throw cxrError('NO_LABELS', `no pattern has ${options.minCases} or more images (lower --min-cases)`, {
      minCases: options.minCases,
    });
  }
  const splits = splitImages(labelled, options);
  write(catalog, options, images, labelled, new Set(classNames), splits);
  return statistics(images.length, labelled, patternCounts, new Set(classNames), splits, lengths);
}

function parseRow(row: AnnotationRow): ParsedAnnotation {
  if (row.kind === 'mesh') return parseMesh(row.raw);
  return parseFinding(row.raw, row.box === null ? undefined : (JSON.parse(row.box) as Box));
}

/** Pattern = sorted distinct top terms (normal only when nothing else); sequence = the first annotation of the first term. */
function labelOf(parsed: ParsedAnnotation[], maxWords: number): { pattern: string; sequence: string[] } | undefined {
  const findings = parsed.filter((annotation) => annotation.topTerm !== NORMAL);
  if (findings.length === 0) {
    return parsed.length > 0 ? { pattern: NORMAL, sequence: [NORMAL] } : undefined;
  }
  const terms = [...new Set(findings.map((annotation) => annotation.topTerm))].sort();
  return { pattern: terms.join(' + '), sequence: annotationWords(findings[0] as ParsedAnnotation, maxWords) };
}

/** Top terms an image's uncertain annotations name that its positive ones do not. */
function uncertainTerms(rows: AnnotationRow[], pattern: string): string[] {
  const positive = new Set(pattern.split(' + '));
  const terms = rows
    .filter((row) => row.certainty === 'uncertain')
    .map(parseRow)
    .filter((annotation) => annotation.isFinding && annotation.topTerm !== NORMAL && !positive.has(annotation.topTerm))
    .map((annotation) => annotation.topTerm);
  return [...new Set(terms)].sort();
}

function splitImages(labelled: Labelled[], options: z.output<typeof MiningOptions>): Map<string, Split> {
  const groups = new Map<string, { patterns: string[]; official?: Split }>();
  for (const item of labelled) {
    const id = item.image.patient_id ?? item.image.study_id;
    const group = groups.get(id) ?? { patterns: [] };
    group.patterns.push(item.pattern);
    if (item.image.official_split !== null && group.official !== 'test') group.official = item.image.official_split;
    groups.set(id, group);
  }
  const assigned = assignSplits(
    [...groups].map(([id, group]) => ({
      id,
      pattern: mostFrequent(group.patterns),
      size: group.patterns.length,
      official: group.official,
    })),
    options,
  );
  return new Map(
    labelled.map((item) => [item.image.id, assigned.get(item.image.patient_id ?? item.image.study_id) ?? 'train']),
  );
}

function load(catalog: Catalog, dataset: string | undefined, labels: z.output<typeof MiningOptions>['labels']) {
  const filter = dataset === undefined ? '' : 'WHERE s.dataset = ?';
  const params = dataset === undefined ? [] : [dataset];
  const images = catalog.db
    .prepare(
      `SELECT i.id, i.study_id, s.patient_id, i.official_split FROM images i JOIN studies s ON s.id = i.study_id ${filter} ORDER BY i.id`,
    )
    .all(...params) as ImageRow[];
  const kind = labels === 'mesh' ? "a.kind = 'mesh'" : labels === 'dataset' ? "a.kind = 'finding'" : undefined;
  // Uncertain annotations are read too: they are kept out of patterns but tell the per-finding head what not to learn.
  const where = [dataset === undefined ? undefined : 's.dataset = ?', kind].filter((c) => c !== undefined);
  const rows =
    labels === 'reports'
      ? minedFromReports(catalog, filter, params)
      : [
          ...(catalog.db
            .prepare(
              `SELECT a.study_id, a.image_id, a.kind, a.raw, a.box, a.certainty FROM annotations a
               JOIN studies s ON s.id = a.study_id ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.id`,
            )
            .all(...params) as AnnotationRow[]),
          ...(labels === 'auto' ? storedReportFindings(catalog, filter, params) : []),
        ];
  const annotationsByStudy = new Map<string, AnnotationRow[]>();
  for (const row of rows) {
    const list = annotationsByStudy.get(row.study_id) ?? [];
    list.push(row);
    annotationsByStudy.set(row.study_id, list);
  }
  return { images, annotationsByStudy };
}

/**
 * The report findings the catalog holds (studies without stated annotations, read at import or by `--remine`), as
 * annotations: a study has either these or stated annotations, never both. Hedged ones count, as the miner counts
 * them (and as `--labels reports` does).
 */
function storedReportFindings(catalog: Catalog, filter: string, params: string[]): AnnotationRow[] {
  return catalog.db
    .prepare(
      `SELECT f.study_id, NULL AS image_id, 'mesh' AS kind, f.raw, NULL AS box, 'positive' AS certainty
       FROM report_findings f JOIN studies s ON s.id = f.study_id ${filter} ORDER BY f.id`,
    )
    .all(...params) as AnnotationRow[];
}

/** Annotations read from each study's report text by the report miner, as if an indexer had written them. */
function minedFromReports(catalog: Catalog, filter: string, params: string[]): AnnotationRow[] {
  const reports = catalog.db
    .prepare(`SELECT r.study_id, r.findings, r.impression FROM reports r JOIN studies s ON s.id = r.study_id ${filter}`)
    .all(...params) as Array<{ study_id: string; findings: string | null; impression: string | null }>;
  return reports.flatMap((r) =>
    mineReport({ findings: r.findings ?? undefined, impression: r.impression ?? undefined }).mesh.map((raw) => ({
      study_id: r.study_id,
      image_id: null,
      kind: 'mesh' as const,
      raw,
      box: null,
      certainty: 'positive' as const,
    })),
  );
}

function write(
  catalog: Catalog,
  options: z.output<typeof MiningOptions>,
  images: ImageRow[],
  labelled: Labelled[],
  classes: Set<string>,
  splits: Map<string, Split>,
): void {
  const remove = catalog.db.prepare('DELETE FROM image_labels WHERE image_id = ?');
  const insert = catalog.db.prepare(
    'INSERT INTO image_labels (image_id, pattern, class, sequence, split, uncertain) VALUES (?, ?, ?, ?, ?, ?)',
  );
  catalog.transaction(() => {
    for (const image of images) remove.run(image.id);
    for (const item of labelled) {
      const name = classes.has(item.pattern) ? item.pattern : null;
      insert.run(
        item.image.id,
        item.pattern,
        name,
        JSON.stringify(item.sequence),
        splits.get(item.image.id) ?? 'train',
        JSON.stringify(item.uncertain),
      );
    }
    catalog.db
      .prepare('INSERT INTO label_runs (options, created_at) VALUES (?, ?)')
      .run(JSON.stringify(options), new Date().toISOString());
  });
}

function statistics(
  imageCount: number,
  labelled: Labelled[],
  patternCounts: Map<string, number>,
  classes: Set<string>,
  splits: Map<string, Split>,
  lengths: number[],
): MiningStats {
  const classItems = labelled.filter((item) => classes.has(item.pattern));
  const perClass = [...classes].map((name) => {
    const members = classItems.filter((item) => item.pattern === name);
    const inSplit = (split: Split) => members.filter((item) => splits.get(item.image.id) === split).length;
    return {
      name,
      images: members.length,
      train: inSplit('train'),
      validation: inSplit('validation'),
      test: inSplit('test'),
    };
  });
  perClass.sort((a, b) => b.images - a.images || a.name.localeCompare(b.name));
  const sequenceLengths = classItems.map((item) => item.sequence.length);
  const words = countBy(classItems.flatMap((item) => item.sequence));
  const splitCounts = { train: 0, validation: 0, test: 0 };
  for (const item of classItems) splitCounts[splits.get(item.image.id) ?? 'train']++;
  return {
    images: imageCount,
    labelledImages: labelled.length,
    classImages: classItems.length,
    classes: perClass,
    patterns: [...patternCounts]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, 40)
      .map(([pattern, images]) => ({ pattern, images })),
    annotationLength: {
      ...meanStd(lengths),
      // Not Math.min(...lengths): a spread of 100k+ values overflows the call stack.
      min: lengths.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY),
      max: lengths.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY),
      count: lengths.length,
    },
    sequenceLength: { ...meanStd(sequenceLengths), max: sequenceLengths.reduce((a, b) => Math.max(a, b), 0) },
    vocabulary: {
      size: words.size,
      words: [...words]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([word, count]) => ({ word, count })),
    },
    splits: splitCounts,
  };
}

function countBy(values: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

function mostFrequent(values: string[]): string {
  const counts = countBy(values);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? '';
}

function meanStd(values: number[]): { mean: number; std: number } {
  if (values.length === 0) return { mean: 0, std: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance) };
}
