import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { cxrError } from '../errors.js';
import type { SkippedItem } from './record.js';

export type CsvRow = Record<string, string>;
export type CsvEvent = { row: CsvRow; line: number } | { skipped: SkippedItem };

interface HeaderColumn {
  name: string;
  /** How many value columns the name spans: `OriginalImage[Width,Height]` spans 2. */
  span: number;
}

/**
 * Header names as the published label files mean them. NIH's headers hold commas inside brackets
 * (`OriginalImage[Width,Height]`, `Bbox [x,y,w,h]`), which a plain split turns into extra columns; such a name
 * spans several value columns and its value is those values joined by commas. Trailing empty names are dropped.
 */
export function groupHeader(tokens: string[]): HeaderColumn[] {
  const columns: HeaderColumn[] = [];
  for (let i = 0; i < tokens.length; i++) {
    let name = tokens[i] as string;
    let span = 1;
    if (name.includes('[') && !name.includes(']')) {
      while (i + 1 < tokens.length && !name.includes(']')) {
        i++;
        name += `,${tokens[i]}`;
        span++;
      }
    }
    columns.push({ name: name.trim(), span });
  }
  while (columns.length > 0 && columns.at(-1)?.name === '') columns.pop();
  return columns;
}

/** Streams a CSV (or .csv.gz) file as header-keyed rows; a row of the wrong width is skipped with CSV_COLUMN_COUNT. */
export async function* readCsv(path: string): AsyncIterable<CsvEvent> {
  const input = createReadStream(path);
  const text = path.endsWith('.gz') ? input.pipe(createGunzip()) : input;
  const parser = text.pipe(
    parse({ bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, info: true }),
  );
  let header: HeaderColumn[] | undefined;
  let width = 0;
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    if (header === undefined) {
      header = groupHeader(record);
      width = header.reduce((sum, column) => sum + column.span, 0);
      continue;
    }
    const values = trimTrailingEmpty(record, width);
    if (values.length !== width) {
      yield {
        skipped: {
          code: 'CSV_COLUMN_COUNT',
          item: `${basename(path)}:${info.lines}`,
          message: `${values.length} columns where the header has ${width}`,
        },
      };
      continue;
    }
    const row: CsvRow = {};
    let at = 0;
    for (const column of header) {
      row[column.name] = values.slice(at, at + column.span).join(',');
      at += column.span;
    }
    yield { row, line: info.lines };
  }
  if (header === undefined) throw cxrError('CSV_HEADER', `${path} is empty`, { path });
}

/** Data rows in a CSV (or .csv.gz) file, counted by line breaks: cheap enough to give progress an ETA. */
export async function countDataRows(path: string): Promise<number> {
  const input = createReadStream(path);
  const text = path.endsWith('.gz') ? input.pipe(createGunzip()) : input;
  let lines = 0;
  let last = 10;
  for await (const chunk of text as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++;
    last = chunk.at(-1) ?? last;
  }
  return Math.max(0, lines + (last === 10 ? 0 : 1) - 1);
}

/** Accepts rows that merely carry extra empty trailing cells (as BBox_List's `,,,` header invites). */
function trimTrailingEmpty(values: string[], width: number): string[] {
  let end = values.length;
  while (end > width && values[end - 1] === '') end--;
  return values.slice(0, end);
}

/** Checks that every required column is there; a missing one is CSV_HEADER (the whole file is the wrong kind). */
export function requireColumns(row: CsvRow, columns: string[], path: string): void {
  const missing = columns.filter((column) => !(column in row));
  if (missing.length > 0) {
    throw cxrError('CSV_HEADER', `${basename(path)} lacks column(s) ${missing.join(', ')}`, { path, missing });
  }
}
