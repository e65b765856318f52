import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { type CsvEvent, readCsv } from '../../src/datasets/csv.js';
import { tempDir, writeText } from '../helpers/fixtures.js';

async function events(path: string, onHeader?: (columns: string[]) => void): Promise<CsvEvent[]> {
  const out: CsvEvent[] = [];
  for await (const event of readCsv(path, { onHeader })) out.push(event);
  return out;
}

const summary = (list: CsvEvent[]) =>
  list.map((e) => ('row' in e ? `${e.line}:${Object.values(e.row).join('/')}` : `${e.skipped.code} ${e.skipped.item}`));

describe('readCsv', () => {
  it('lists a row whose quote never closes and a row of the wrong width, and reads every other row', async () => {
    const path = writeText(join(tempDir(), 'rows.csv'), 'a,b\n1,2\n3,"four\n5,6\n7\n8,9\n');
    expect(summary(await events(path))).toEqual([
      '2:1/2',
      'CSV_MALFORMED rows.csv:3',
      '4:5/6',
      'CSV_COLUMN_COUNT rows.csv:5',
      '6:8/9',
    ]);
  });

  it('keeps the rows before the cut of a truncated .gz and lists the cut', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => `${i},row ${i}`).join('\n');
    const gz = gzipSync(`id,text\n${rows}\n`);
    const path = join(tempDir(), 'cut.csv.gz');
    writeFileSync(path, gz.subarray(0, Math.floor(gz.length / 2)));
    const list = await events(path);
    expect(list.at(-1)).toMatchObject({ skipped: { code: 'CSV_MALFORMED', item: 'cut.csv.gz' } });
    const read = list.filter((e) => 'row' in e).length;
    expect(read).toBeGreaterThan(1000);
    expect(read).toBeLessThan(20_000);
  });

  it('hands the header to onHeader before any row, so a wrong file is refused once', async () => {
    const path = writeText(join(tempDir(), 'h.csv'), 'x,y\n1,2\n3,4\n');
    const seen: string[] = [];
    const refuse = (columns: string[]) => {
      seen.push(columns.join('|'));
      throw new Error('wrong file');
    };
    await expect(events(path, refuse)).rejects.toThrow('wrong file');
    expect(seen).toEqual(['x|y']);
  });
});
