import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { createGunzip } from 'node:zlib';
import { cxrError } from '../errors.js';
import { type CsvPiece, type CsvRecord, CsvRecordSplitter } from './csv-records.js';
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

export interface ReadCsvOptions {
  /**
   * Called with the header's column names before any row is read: a file of the wrong kind is refused here, once,
   * by throwing (CSV_HEADER), instead of one error per row.
   */
  onHeader?(columns: string[]): void;
  /** Columns the file must have: checked against the header before any row is read (CSV_HEADER names the missing). */
  required?: readonly string[];
}

/**
 * Streams a CSV (or .csv.gz; .tsv: tab-separated) file as header-keyed rows. What cannot be read costs only its row,
 * listed with a code: a row of the wrong width is CSV_COLUMN_COUNT, a row whose quote never closes CSV_MALFORMED (the
 * rows after it are still read), a file that ends early (a truncated .gz) CSV_MALFORMED after the rows before it.
 */
export async function* readCsv(path: string, options: ReadCsvOptions = {}): AsyncIterable<CsvEvent> {
  const name = basename(path);
  const splitter = new CsvRecordSplitter(/\.tsv(\.gz)?$/i.test(path) ? '\t' : ',');
  let header: HeaderColumn[] | undefined;
  let width = 0;
  const pieces: CsvPiece[] = [];
  function* drain(): Generator<CsvEvent> {
    for (const piece of pieces) {
      if ('error' in piece) {
        yield { skipped: { code: 'CSV_MALFORMED', item: `${name}:${piece.error.line}`, message: piece.error.message } };
      } else if (header === undefined) {
        header = groupHeader(piece.values);
        width = header.reduce((sum, column) => sum + column.span, 0);
        const names = header.map((column) => column.name);
        if (options.required !== undefined) requireColumns(names, options.required, path);
        options.onHeader?.(names);
      } else {
        yield rowOf(piece, header, width, name);
      }
    }
    pieces.length = 0;
  }
  try {
    for await (const chunk of textOf(path)) {
      splitter.push(chunk, pieces);
      yield* drain();
    }
  } catch (error) {
    if (!isTruncated(error)) throw error;
    yield* drain();
    yield {
      skipped: {
        code: 'CSV_MALFORMED',
        item: name,
        message: `the rest of the file cannot be read: it is cut short or damaged (${(error as Error).message})`,
      },
    };
    return;
  }
  splitter.end(pieces);
  yield* drain();
  if (header === undefined) throw cxrError('CSV_HEADER', `${path} is empty`, { path });
}

function rowOf(record: CsvRecord, header: HeaderColumn[], width: number, name: string): CsvEvent {
  const values = trimTrailingEmpty(record.values, width);
  if (values.length !== width) {
    return {
      skipped: {
        code: 'CSV_COLUMN_COUNT',
        item: `${name}:${record.line}`,
        message: `${values.length} columns where the header has ${width}`,
      },
    };
  }
  const row: CsvRow = {};
  let at = 0;
  for (const column of header) {
    row[column.name] = column.span === 1 ? (values[at] as string) : values.slice(at, at + column.span).join(',');
    at += column.span;
  }
  return { row, line: record.line };
}

function textOf(path: string): AsyncIterable<string> {
  if (!path.endsWith('.gz')) return createReadStream(path, { encoding: 'utf8' });
  const input = createReadStream(path);
  const text = input.pipe(createGunzip());
  input.once('error', (error) => text.destroy(error));
  text.setEncoding('utf8');
  return text;
}

/** zlib's complaint about a .gz cut short: the rows before the cut are good. */
function isTruncated(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR';
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

/**
 * Checks a header for every column its format requires (as `readCsv`'s onHeader): a missing one is CSV_HEADER,
 * raised once before any row is read (the whole file is the wrong kind), naming the columns the file has.
 */
export function requireColumns(found: string[], columns: readonly string[], path: string): void {
  const missing = columns.filter((column) => !found.includes(column));
  if (missing.length > 0) {
    throw cxrError(
      'CSV_HEADER',
      `${basename(path)} lacks column(s) ${missing.join(', ')}; its columns: ${found.join(', ') || '(none)'}`,
      { path, missing, found },
    );
  }
}
