import { existsSync } from 'node:fs';
import { cxrError } from '../errors.js';
import { readCsv, requireColumns } from './csv.js';
import type { ImageRecord, ImportEvent, Importer } from './record.js';

export interface IndianaCsvOptions {
  /** `indiana_reports.csv` of the Kaggle mirror of OpenI. */
  reports: string;
  /** `indiana_projections.csv`: image file names and Frontal/Lateral per report uid. */
  projections: string;
}

/** The Kaggle mirror of OpenI: the same reports as CSV; MeSH strings `;`-separated; images named by projections. */
export const indianaCsvImporter: Importer<IndianaCsvOptions> = {
  name: 'indiana-csv',
  async *read(options: IndianaCsvOptions): AsyncIterable<ImportEvent> {
    for (const path of [options.reports, options.projections]) {
      if (!existsSync(path)) throw cxrError('DATASET_NOT_FOUND', `no file at ${path}`, { path });
    }
    const images = new Map<string, ImageRecord[]>();
    const projectionColumns = (found: string[]) =>
      requireColumns(found, ['uid', 'filename', 'projection'], options.projections);
    for await (const event of readCsv(options.projections, { onHeader: projectionColumns })) {
      if ('skipped' in event) {
        yield event;
        continue;
      }
      const { uid, filename, projection } = event.row as Record<string, string>;
      const list = images.get(uid as string) ?? [];
      list.push({
        id: (filename as string).replace(/\.[a-z]+$/i, ''),
        path: filename,
        view: projection === 'Lateral' ? 'LATERAL' : 'FRONTAL',
      });
      images.set(uid as string, list);
    }
    const reportColumns = (found: string[]) =>
      requireColumns(found, ['uid', 'MeSH', 'findings', 'impression'], options.reports);
    for await (const event of readCsv(options.reports, { onHeader: reportColumns })) {
      if ('skipped' in event) {
        yield event;
        continue;
      }
      const row = event.row;
      const uid = row.uid as string;
      yield {
        record: {
          sourceId: uid,
          images: images.get(uid) ?? [],
          report: {
            comparison: row.comparison || undefined,
            indication: row.indication || undefined,
            findings: row.findings || undefined,
            impression: row.impression || undefined,
          },
          annotations: (row.MeSH ?? '')
            .split(';')
            .map((raw) => raw.trim())
            .filter(Boolean)
            .map((raw) => ({ kind: 'mesh' as const, raw })),
        },
      };
    }
  },
};
