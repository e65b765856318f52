import { createReadStream, existsSync } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { cxrError } from '../errors.js';
import { type ColumnMap, MANIFEST_FIELDS, type ManifestField, resolveColumns } from './columns.js';
import { readCsv } from './csv.js';
import type { ImportEvent, Importer, SkippedItem, StudyRecord } from './record.js';

/** One manifest line: an image with whatever the collection knows about it (see `MANIFEST_FIELDS`). */
const ManifestEntry = z.object({
  image: z.string().min(1),
  study: z.string().min(1).optional(),
  patient: z.string().min(1).optional(),
  view: z.string().min(1).optional(),
  labels: z.array(z.string().min(1)).default([]),
  mesh: z.array(z.string().min(1)).default([]),
  report: z.string().optional(),
  findings: z.string().optional(),
  impression: z.string().optional(),
  split: z.enum(['train', 'validation', 'test']).optional(),
  sex: z.string().min(1).optional(),
  age: z.number().nonnegative().optional(),
});
export type ManifestEntry = z.infer<typeof ManifestEntry>;

export interface ManifestOptions {
  /** A `.csv` (`.tsv`, `.csv.gz`) or `.jsonl` file. */
  manifest: string;
  /** Which column holds each field, where the file does not name them as the fields are named. */
  columns?: ColumnMap;
  /** What separates the labels (and MeSH strings) in one cell; default `|` or `;`. */
  labelSeparator?: string;
}

/**
 * The generic format for everything else: CSV or JSONL in any layout (`columns` says which column is which), one
 * image per line, grouped into studies by `study`. A file without an image column is refused before any row is
 * read; a second row naming an image already named is skipped with IMAGE_DUPLICATE, both rows listed.
 */
export const manifestImporter: Importer<ManifestOptions> = {
  name: 'manifest',
  async *read(options: ManifestOptions): AsyncIterable<ImportEvent> {
    if (!existsSync(options.manifest))
      throw cxrError('DATASET_NOT_FOUND', `no manifest at ${options.manifest}`, { path: options.manifest });
    const studies = new Map<string, StudyRecord>();
    const named = new Map<string, { item: string; who: string }>();
    for await (const line of lines(options)) {
      if ('skipped' in line) {
        yield line;
        continue;
      }
      const parsed = ManifestEntry.safeParse(line.value);
      if (!parsed.success) {
        const problem = parsed.error.issues
          .map((issue) => `${issue.path.join('.') || 'line'}: ${issue.message}`)
          .join('; ');
        yield { skipped: { code: 'RECORD_INVALID', item: line.item, message: problem } };
        continue;
      }
      const entry = parsed.data;
      const who = `patient ${entry.patient ?? '-'}, study ${entry.study ?? '-'}`;
      const first = named.get(entry.image);
      if (first !== undefined) {
        yield {
          skipped: {
            code: 'IMAGE_DUPLICATE',
            item: line.item,
            message: `${entry.image} (${who}) is also named on ${first.item} (${first.who}); this row is skipped`,
          },
        };
        continue;
      }
      named.set(entry.image, { item: line.item, who });
      addEntry(studies, entry);
    }
    for (const record of studies.values()) yield { record };
  },
};

function addEntry(studies: Map<string, StudyRecord>, entry: ManifestEntry): void {
  const studyId = entry.study ?? entry.image;
  const study = studies.get(studyId) ?? {
    sourceId: studyId,
    patient: entry.patient === undefined ? undefined : { id: entry.patient, sex: entry.sex, age: entry.age },
    images: [],
    annotations: [],
  };
  study.images.push({ id: entry.image, path: entry.image, view: entry.view, officialSplit: entry.split });
  const perImage = entry.study === undefined ? {} : { imageId: entry.image };
  for (const raw of entry.mesh) study.annotations.push({ kind: 'mesh', raw, ...perImage });
  for (const raw of entry.labels) study.annotations.push({ kind: 'finding', raw, ...perImage });
  const findings = entry.findings ?? entry.report;
  if (findings !== undefined || entry.impression !== undefined)
    study.report = { findings, impression: entry.impression };
  studies.set(studyId, study);
}

type Line = { value: unknown; item: string } | { skipped: SkippedItem };

async function* lines(options: ManifestOptions): AsyncIterable<Line> {
  const path = options.manifest;
  const name = basename(path);
  const split = (cell: string) =>
    cell
      .split(options.labelSeparator ?? /[|;]/)
      .map((part) => part.trim())
      .filter(Boolean);
  if (/\.(jsonl|ndjson)$/i.test(path)) {
    let columns: Map<ManifestField, string> | undefined;
    let number = 0;
    for await (const text of createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY })) {
      number++;
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        const message = `not JSON: ${(error as Error).message}`;
        yield { skipped: { code: 'RECORD_INVALID', item: `${name}:${number}`, message } };
        continue;
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        yield { skipped: { code: 'RECORD_INVALID', item: `${name}:${number}`, message: 'not a JSON object' } };
        continue;
      }
      const object = value as Record<string, unknown>;
      // The first record stands for the file's layout, as a header does for a CSV; a field it leaves out may still
      // come in a later record, under its own (or its mapped) name.
      columns ??= withUnseenFields(resolveColumns(Object.keys(object), options.columns ?? {}, path), options.columns);
      const entry: Record<string, unknown> = {};
      for (const [field, key] of columns) {
        const cell = object[key];
        if (cell === undefined || cell === null || cell === '') continue;
        entry[field] = typeof cell === 'string' ? cellValue(field, cell, split) : cell;
      }
      yield { value: entry, item: `${name}:${number}` };
    }
    return;
  }
  let columns: Map<ManifestField, string> | undefined;
  const onHeader = (found: string[]) => {
    columns = resolveColumns(found, options.columns ?? {}, path);
  };
  for await (const event of readCsv(path, { onHeader })) {
    if ('skipped' in event) {
      yield event;
      continue;
    }
    const entry: Record<string, unknown> = {};
    for (const [field, column] of columns ?? []) {
      const cell = event.row[column] ?? '';
      if (cell.trim() !== '') entry[field] = cellValue(field, cell, split);
    }
    yield { value: entry, item: `${name}:${event.line}` };
  }
}

function withUnseenFields(columns: Map<ManifestField, string>, mapping: ColumnMap = {}): Map<ManifestField, string> {
  for (const field of MANIFEST_FIELDS) if (!columns.has(field)) columns.set(field, mapping[field] ?? field);
  return columns;
}

/** A cell as its field's value: lists split, an age read from its leading number (`58`, `058Y`), text trimmed. */
function cellValue(field: ManifestField, cell: string, split: (cell: string) => string[]): unknown {
  if (field === 'labels' || field === 'mesh') return split(cell);
  if (field === 'age') {
    const age = Number.parseFloat(cell);
    return Number.isFinite(age) ? age : undefined;
  }
  return field === 'report' || field === 'findings' || field === 'impression' ? cell : cell.trim();
}
