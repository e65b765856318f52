import { describe, expect, it } from 'vitest';
import { type CsvPiece, CsvRecordSplitter, MAX_RECORD_CHARS } from '../../src/datasets/csv-records.js';

/** Splits `text` fed in pieces of `chunk` characters (every boundary is tried by the callers below). */
function split(text: string, chunk = text.length || 1): CsvPiece[] {
  const splitter = new CsvRecordSplitter();
  const out: CsvPiece[] = [];
  for (let at = 0; at < text.length; at += chunk) splitter.push(text.slice(at, at + chunk), out);
  splitter.end(out);
  return out;
}

const records = (pieces: CsvPiece[]) => pieces.map((p) => ('values' in p ? p.values : `error@${p.error.line}`));

describe('CSV record splitter', () => {
  it('reads quoted fields with delimiters, doubled quotes and line breaks, and CRLF, BOM and blank lines', () => {
    const text = '\uFEFFa,b,c\r\n1,"x, y","say ""hi"""\r\n\r\n2,"two\nlines",\n3,5" nodule,"a"b\n';
    for (const chunk of [1, 2, 3, 5, 100]) {
      expect(records(split(text, chunk))).toEqual([
        ['a', 'b', 'c'],
        ['1', 'x, y', 'say "hi"'],
        ['2', 'two\nlines', ''],
        ['3', '5" nodule', 'ab'],
      ]);
    }
    expect(split(text).map((p) => ('line' in p ? p.line : -1))).toEqual([1, 2, 4, 6]);
  });

  it('reads a last line without a line break, and an empty text as no record', () => {
    expect(records(split('a,b\n1,2'))).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(split('')).toEqual([]);
  });

  it('costs an unterminated quote only its own line: the rows after it are read', () => {
    const text = 'a,b,c\n1,2,3\n4,"5,6\n7,8,9\n10,11,12\n';
    for (const chunk of [1, 4, 100]) {
      expect(records(split(text, chunk))).toEqual([
        ['a', 'b', 'c'],
        ['1', '2', '3'],
        'error@3',
        ['7', '8', '9'],
        ['10', '11', '12'],
      ]);
    }
    const after = split(text).at(-1);
    expect(after !== undefined && 'line' in after ? after.line : 0).toBe(5);
  });

  it('cuts off a quote that runs past the record limit, and reads on', () => {
    const long = `${'x'.repeat(1000)}\n`.repeat(Math.ceil(MAX_RECORD_CHARS / 1000) + 5);
    const text = `a,b\n1,"open\n${long}2,3\n`;
    const pieces = records(split(text, 65_536));
    expect(pieces.slice(0, 2)).toEqual([['a', 'b'], 'error@2']);
    expect(pieces.at(-1)).toEqual(['2', '3']);
  });
});
