import { z } from 'zod';
import type { Box } from '../datasets/record.js';
import { cxrError } from '../errors.js';
import type { Catalog } from '../store/catalog.js';
import { type ParsedAnnotation, parseFinding, parseMesh } from './mesh.js';
import { mineReport } from './reports/miner.js';
import { annotationWords } from './sequences.js';
import { assignSplits, type Split, type SplitGroup } from './splits.js';
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

/** What mining keeps of a labelled image (a 400k-image collection holds 400k of these, so no more). */
interface Labelled {
  imageId: string;
  /** Patient id, or the study id when the dataset has none: a group never straddles splits. */
  group: string;
  pattern: string;
  sequence: string[];
  /** Top terms stated uncertain and not also positive. */
  uncertain: string[];
}

type Options = z.output<typeof MiningOptions>;

/**
 * Label mining as in the paper: each image's set of top terms is its pattern; patterns with at least `minCases`
 * images are the classes; each image's annotation becomes a word sequence; images are split 80/10/10 per pattern
 * by patient (or report), deterministically by seed. Replaces the dataset's previous labels in one transaction.
 *
 * Images and their annotations are read study by study from two ordered SQLite iterators, never all at once, and
 * every statistic is a running count: memory grows with the labelled images only, a few hundred bytes each.
 */
export function mineLabels(catalog: Catalog, input: MiningOptions = {}): MiningStats {
  const options = MiningOptions.parse(input);
  const lengths = new RunningStats();
  const labelled: Labelled[] = [];
  const groups = new Map<string, GroupTally>();
  const patterns = new Map<string, string>(); // one string per distinct pattern, shared by its images
  let imageCount = 0;
  for (const { image, rows } of imagesWithAnnotations(catalog, options)) {
    imageCount++;
    const own = rows.filter((row) => row.image_id === null || row.image_id === image.id);
    const parsed = own
      .filter((row) => row.certainty === 'positive')
      .map(parseRow)
      .filter((annotation) => annotation.isFinding);
    for (const annotation of parsed) lengths.add(annotation.pieces.length);
    const label = labelOf(parsed, options.maxWords);
    if (label === undefined) continue;
    const pattern = patterns.get(label.pattern) ?? label.pattern;
    patterns.set(pattern, pattern);
    const group = image.patient_id ?? image.study_id;
    labelled.push({
      imageId: image.id,
      group,
      pattern,
      sequence: label.sequence,
      uncertain: uncertainTerms(own, pattern),
    });
    tally(groups, group, pattern, image.official_split);
  }
  const patternCounts = countBy(labelled.map((item) => item.pattern));
  const classNames = [...patternCounts].filter(([, n]) => n >= options.minCases).map(([pattern]) => pattern);
  if (classNames.length === 0) {
    throw cxrError('NO_LABELS', `no pattern has ${options.minCases} or more images (lower --min-cases)`, {
      minCases: options.minCases,
    });
  }
  const splits = splitGroups(groups, options);
  const classes = new Set(classNames);
  write(catalog, options, labelled, classes, splits);
  return statistics(imageCount, labelled, patternCounts, classes, splits, lengths);
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
  const uncertain = rows.filter((row) => row.certainty === 'uncertain');
  if (uncertain.length === 0) return [];
  const positive = new Set(pattern.split(' + '));
  const terms = uncertain
    .map(parseRow)
    .filter((annotation) => annotation.isFinding && annotation.topTerm !== NORMAL && !positive.has(annotation.topTerm))
    .map((annotation) => annotation.topTerm);
  return [...new Set(terms)].sort();
}

/** A split group's images by pattern, and the split the dataset publishes for it (test over validation over train). */
interface GroupTally {
  patterns: Map<string, number>;
  size: number;
  official?: Split;
}

const OFFICIAL_PRECEDENCE: Record<Split, number> = { train: 0, validation: 1, test: 2 };

function tally(groups: Map<string, GroupTally>, id: string, pattern: string, official: Split | null): void {
  let group = groups.get(id);
  if (group === undefined) {
    group = { patterns: new Map(), size: 0 };
    groups.set(id, group);
  }
  group.patterns.set(pattern, (group.patterns.get(pattern) ?? 0) + 1);
  group.size++;
  if (
    official !== null &&
    (group.official === undefined || OFFICIAL_PRECEDENCE[official] > OFFICIAL_PRECEDENCE[group.official])
  )
    group.official = official;
}

function splitGroups(groups: Map<string, GroupTally>, options: Options): Map<string, Split> {
  const members: SplitGroup[] = [];
  for (const [id, group] of groups)
    members.push({ id, pattern: mostFrequent(group.patterns), size: group.size, official: group.official });
  return assignSplits(members, options);
}

/**
 * Every image of the dataset (or all), with its study's ground-truth rows: images come from one iterator ordered by
 * study, and each study's rows are read once, when its first image comes.
 */
function* imagesWithAnnotations(
  catalog: Catalog,
  options: Options,
): Generator<{ image: ImageRow; rows: AnnotationRow[] }> {
  const filter = options.dataset === undefined ? '' : 'WHERE s.dataset = ?';
  const images = catalog.db
    .prepare(
      `SELECT i.id, i.study_id, s.patient_id, i.official_split FROM images i JOIN studies s ON s.id = i.study_id ${filter}
       ORDER BY i.study_id, i.id`,
    )
    .iterate(...(options.dataset === undefined ? [] : [options.dataset])) as IterableIterator<ImageRow>;
  const rowsOf = groundTruth(catalog, options.labels);
  let study: string | undefined;
  let rows: AnnotationRow[] = [];
  for (const image of images) {
    if (image.study_id !== study) {
      study = image.study_id;
      rows = rowsOf(study);
    }
    yield { image, rows };
  }
}

/**
 * A study's ground truth rows: its stated annotations (of the kind `labels` asks for; uncertain ones too: they are
 * kept out of patterns but tell the per-finding head what not to learn), and under `auto` the findings the miner
 * stored for a study without any (a study has one or the other; hedged ones count, as the miner counts them). Under
 * `reports` its report is mined afresh.
 */
function groundTruth(catalog: Catalog, labels: Options['labels']): (studyId: string) => AnnotationRow[] {
  if (labels === 'reports') {
    const report = catalog.db.prepare('SELECT findings, impression FROM reports WHERE study_id = ?');
    return (studyId) => {
      const r = report.get(studyId) as { findings: string | null; impression: string | null } | undefined;
      if (r === undefined) return [];
      return mineReport({ findings: r.findings ?? undefined, impression: r.impression ?? undefined }).mesh.map(
        (raw) => ({ study_id: studyId, image_id: null, kind: 'mesh', raw, box: null, certainty: 'positive' }),
      );
    };
  }
  const kind = labels === 'mesh' ? "AND kind = 'mesh'" : labels === 'dataset' ? "AND kind = 'finding'" : '';
  const stated = catalog.db.prepare(
    `SELECT study_id, image_id, kind, raw, box, certainty FROM annotations WHERE study_id = ? ${kind} ORDER BY id`,
  );
  const fromReport = catalog.db.prepare(
    `SELECT study_id, NULL AS image_id, 'mesh' AS kind, raw, NULL AS box, 'positive' AS certainty
     FROM report_findings WHERE study_id = ? ORDER BY id`,
  );
  return (studyId) => {
    const rows = stated.all(studyId) as AnnotationRow[];
    return labels === 'auto' && rows.length === 0 ? (fromReport.all(studyId) as AnnotationRow[]) : rows;
  };
}

function write(
  catalog: Catalog,
  options: Options,
  labelled: Labelled[],
  classes: Set<string>,
  splits: Map<string, Split>,
): void {
  const scope =
    options.dataset === undefined
      ? ''
      : 'WHERE image_id IN (SELECT i.id FROM images i JOIN studies s ON s.id = i.study_id WHERE s.dataset = ?)';
  const insert = catalog.db.prepare(
    'INSERT INTO image_labels (image_id, pattern, class, sequence, split, uncertain) VALUES (?, ?, ?, ?, ?, ?)',
  );
  catalog.transaction(() => {
    catalog.db
      .prepare(`DELETE FROM image_labels ${scope}`)
      .run(...(options.dataset === undefined ? [] : [options.dataset]));
    for (const item of labelled) {
      insert.run(
        item.imageId,
        item.pattern,
        classes.has(item.pattern) ? item.pattern : null,
        JSON.stringify(item.sequence),
        splits.get(item.group) ?? 'train',
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
  lengths: RunningStats,
): MiningStats {
  const perClass = new Map<string, ClassStats>();
  for (const name of classes) perClass.set(name, { name, images: 0, train: 0, validation: 0, test: 0 });
  const sequenceLengths = new RunningStats();
  const words = new Map<string, number>();
  const splitCounts = { train: 0, validation: 0, test: 0 };
  let classImages = 0;
  for (const item of labelled) {
    const entry = perClass.get(item.pattern);
    if (entry === undefined) continue;
    const split = splits.get(item.group) ?? 'train';
    classImages++;
    entry.images++;
    entry[split]++;
    splitCounts[split]++;
    sequenceLengths.add(item.sequence.length);
    for (const word of item.sequence) words.set(word, (words.get(word) ?? 0) + 1);
  }
  const byCount = (a: [string, number], b: [string, number]) => b[1] - a[1] || a[0].localeCompare(b[0]);
  return {
    images: imageCount,
    labelledImages: labelled.length,
    classImages,
    classes: [...perClass.values()].sort((a, b) => b.images - a.images || a.name.localeCompare(b.name)),
    patterns: [...patternCounts]
      .sort(byCount)
      .slice(0, 40)
      .map(([pattern, images]) => ({ pattern, images })),
    annotationLength: { ...lengths.meanStd(), min: lengths.min, max: lengths.max, count: lengths.count },
    sequenceLength: { ...sequenceLengths.meanStd(), max: Math.max(0, sequenceLengths.max) },
    vocabulary: {
      size: words.size,
      words: [...words].sort(byCount).map(([word, count]) => ({ word, count })),
    },
    splits: splitCounts,
  };
}

/** Count, mean, standard deviation (population), min and max of numbers seen one at a time. */
class RunningStats {
  count = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  private sum = 0;
  private sumOfSquares = 0;

  add(value: number): void {
    this.count++;
    this.sum += value;
    this.sumOfSquares += value * value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  meanStd(): { mean: number; std: number } {
    if (this.count === 0) return { mean: 0, std: 0 };
    const mean = this.sum / this.count;
    return { mean, std: Math.sqrt(Math.max(0, this.sumOfSquares / this.count - mean * mean)) };
  }
}

function countBy(values: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

/** The most frequent key, ties to the first in alphabetical order. */
function mostFrequent(counts: Map<string, number>): string {
  let best = '';
  let bestCount = -1;
  for (const [key, count] of counts) {
    if (count > bestCount || (count === bestCount && key.localeCompare(best) < 0)) {
      best = key;
      bestCount = count;
    }
  }
  return best;
}
