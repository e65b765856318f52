import { createReadStream, existsSync } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { cxrError } from '../errors.js';
import { readCsv } from './csv.js';
import type { ImportEvent, Importer, StudyRecord } from './record.js';

/** One manifest line: an image with whatever the collection knows about it. Lists may be `|`-separated in CSV. */
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
});
export type ManifestEntry = z.infer<typeof ManifestEntry>;

export interface ManifestOptions {
  /** A `.csv` or `.jsonl` file. */
  manifest: string;
}

/** The generic format for everything else: CSV or JSONL, one image per line, grouped into studies by `study`. */
export const manifestImporter: Importer<ManifestOptions> = {
  name: 'manifest',
  async *read(options: ManifestOptions): AsyncIterable<ImportEvent> {
    if (!existsSync(options.manifest))
      throw cxrError('DATASET_NOT_FOUND', `no manifest at ${options.manifest}`, { path: options.manifest });
    const studies = new Map<string, StudyRecord>();
    for await (const line of lines(options.manifest)) {
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
      addEntry(studies, parsed.data);
    }
    for (const record of studies.values()) yield { record };
  },
};

function addEntry(studies: Map<string, StudyRecord>, entry: ManifestEntry): void {
  const studyId = entry.study ?? entry.image;
  const study = studies.get(studyId) ?? {
    sourceId: studyId,
    patient: entry.patient === undefined ? undefined : { id: entry.patient },
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

type Line =
  | { value: unknown; item: string }
  | { skipped: { code: 'RECORD_INVALID' | 'CSV_COLUMN_COUNT'; item: string; message: string } };

async function* lines(path: string): AsyncIterable<Line> {
  const name = basename(path);
  if (path.endsWith('.jsonl') || path.endsWith('.ndjson')) {
    let number = 0;
    for await (const text of createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY })) {
      number++;
      if (text.trim() === '') continue;
      try {
        yield { value: JSON.parse(text), item: `${name}:${number}` };
      } catch (error) {
        yield {
          skipped: {
            code: 'RECORD_INVALID',
            item: `${name}:${number}`,
            message: `not JSON: ${(error as Error).message}`,
          },
        };
      }
    }
    return;
  }
  for await (const event of readCsv(path)) {
    if ('skipped' in event) {
      yield { skipped: { ...event.skipped, code: 'CSV_COLUMN_COUNT' } };
      continue;
    }
    const row: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(event.row)) {
      if (value === '') continue;
      row[key] =
        key === 'labels' || key === 'mesh'
          ? value
              .split(/[|;]/)
              .map((part) => part.trim())
              .filter(Boolean)
          : value;
    }
    yield { value: row, item: `${name}:${event.line}` };
  }
}
