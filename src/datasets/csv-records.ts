/** One CSV record: its values and the line it starts on (1-based). */
export interface CsvRecord {
  values: string[];
  line: number;
}

/** A record that could not be read: the line it started on and why. */
export interface CsvRecordError {
  error: { line: number; message: string };
}

export type CsvPiece = CsvRecord | CsvRecordError;

/**
 * The longest a record may grow. A quote that never closes would otherwise swallow the rest of the file into one
 * field (and into memory); real label and report fields are far shorter.
 */
export const MAX_RECORD_CHARS = 1 << 20;

/**
 * Splits CSV text into records, streaming (RFC 4180, with the leniency published files need): quoted fields may hold
 * delimiters, line breaks and doubled quotes; a quote inside an unquoted field is a character; text after a closing
 * quote is kept, as spreadsheets do; LF, CRLF and CR end a line; a BOM and blank lines are skipped.
 *
 * A quote that never closes (by the end of the text, or within MAX_RECORD_CHARS) costs only the line its record
 * started on: that record is reported as an error and reading resumes on the next line, so the rows after it are
 * not lost.
 */
export class CsvRecordSplitter {
  private values: string[] = [];
  private field = '';
  private inQuotes = false;
  /** No character of the current field read yet (a quote here opens a quoted field). */
  private atFieldStart = true;
  /** The record has content (a blank line has none and is skipped). */
  private hasContent = false;
  /** The current record's text read in earlier chunks: what is read again after a runaway quote. */
  private earlierText = '';
  /** A quote that ended a chunk inside quotes: doubled or closing, the next character decides. */
  private carry = '';
  private line = 1;
  private recordLine = 1;
  private afterCr = false;
  private started = false;

  constructor(private readonly delimiter = ',') {}

  /** Reads `text`, the next part of the file, appending every completed record (or unreadable one) to `out`. */
  push(text: string, out: CsvPiece[]): void {
    let rest: string | undefined = this.carry + text;
    this.carry = '';
    while (rest !== undefined) rest = this.scan(rest, false, out);
  }

  /** The end of the file: its last record, or the error of a quote still open and the records after its line. */
  end(out: CsvPiece[]): void {
    let rest: string | undefined = this.carry;
    this.carry = '';
    for (;;) {
      while (rest !== undefined) rest = this.scan(rest, true, out);
      if (!this.inQuotes) break;
      rest = this.recover('the file ends inside it', '', out);
    }
    if (this.hasContent) this.finishRecord(out);
  }

  /** Reads one chunk; returns the text to read again when a runaway quote was cut off, else undefined. */
  private scan(text: string, final: boolean, out: CsvPiece[]): string | undefined {
    let recordStart = 0;
    let i = 0;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) i = recordStart = 1;
    }
    for (; i < text.length; i++) {
      const c = text[i] as string;
      if (this.afterCr) {
        this.afterCr = false;
        if (c === '\n') {
          recordStart = i + 1;
          continue;
        }
      }
      if (this.inQuotes) {
        if (c === '\n') {
          this.line++;
          if (this.earlierText.length + (i - recordStart) > MAX_RECORD_CHARS)
            return this.recover(`it runs past ${MAX_RECORD_CHARS} characters`, text.slice(recordStart), out);
          this.field += c;
        } else if (c !== '"') {
          const end = nextOf(text, i, '"', '\n');
          this.field += text.slice(i, end);
          i = end - 1;
        } else if (i + 1 < text.length) {
          if (text[i + 1] === '"') {
            this.field += '"';
            i++;
          } else {
            this.inQuotes = false;
          }
        } else if (final) {
          this.inQuotes = false;
        } else {
          this.earlierText += text.slice(recordStart, i);
          this.carry = '"';
          return undefined;
        }
        continue;
      }
      if (c === this.delimiter) {
        this.values.push(this.field);
        this.field = '';
        this.atFieldStart = true;
        this.hasContent = true;
      } else if (c === '\n' || c === '\r') {
        if (this.hasContent) this.finishRecord(out);
        this.line++;
        this.recordLine = this.line;
        this.afterCr = c === '\r';
        recordStart = i + 1;
      } else {
        if (c === '"' && this.atFieldStart) {
          this.inQuotes = true;
        } else {
          const end = nextOf(text, i, this.delimiter, '\n', '\r');
          this.field += text.slice(i, end);
          i = end - 1;
        }
        this.atFieldStart = false;
        this.hasContent = true;
      }
    }
    this.earlierText = this.hasContent ? this.earlierText + text.slice(recordStart) : '';
    return undefined;
  }

  private finishRecord(out: CsvPiece[]): void {
    this.values.push(this.field);
    out.push({ values: this.values, line: this.recordLine });
    this.resetRecord();
  }

  private resetRecord(): void {
    this.values = [];
    this.field = '';
    this.inQuotes = false;
    this.atFieldStart = true;
    this.hasContent = false;
    this.earlierText = '';
  }

  /**
   * Reports the record whose quote never closes and returns the text to read again: all of it after the line it
   * started on (`tail`: the rest of the current chunk, from where the record's text in it began).
   */
  private recover(why: string, tail: string, out: CsvPiece[]): string {
    out.push({ error: { line: this.recordLine, message: `a quote in the row starting here never closes (${why})` } });
    const text = this.earlierText + tail;
    const lineEnd = /\r\n?|\n/.exec(text);
    this.resetRecord();
    this.afterCr = false;
    this.line = this.recordLine + 1;
    this.recordLine = this.line;
    return lineEnd === null ? '' : text.slice(lineEnd.index + lineEnd[0].length);
  }
}

/** The index of the first of the characters `a`, `b`, `c` in `text` from `from` on (else its length): a run read at once. */
function nextOf(text: string, from: number, a: string, b: string, c = b): number {
  const [x, y, z] = [a.charCodeAt(0), b.charCodeAt(0), c.charCodeAt(0)];
  let end = from;
  for (; end < text.length; end++) {
    const code = text.charCodeAt(end);
    if (code === x || code === y || code === z) break;
  }
  return end;
}
