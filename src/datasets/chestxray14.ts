import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { cxrError } from '../errors.js';
import { type CsvRow, countDataRows, readCsv, requireColumns } from './csv.js';
import type { AnnotationRecord, Box, ImportEvent, Importer, ImporterContext } from './record.js';

export interface ChestXray14Options {
  /** `Data_Entry_2017*.csv` (or `.csv.gz`). */
  labels: string;
  /** `BBox_List_2017.csv`; default: beside the labels file when present. */
  boxes?: string;
  /** Folder of `train_val_list.txt` / `test_list.txt`; default: beside the labels file when present. */
  lists?: string;
}

const COLUMNS = ['Image Index', 'Finding Labels', 'Patient ID', 'View Position', 'OriginalImage[Width,Height]'];

/** BBox_List spells one label differently from Data_Entry. */
const BOX_LABEL_ALIASES: Record<string, string> = { Infiltrate: 'Infiltration' };

/** NIH ChestX-ray14: one record per image, its `|`-separated findings, boxes (1024² frame) and published split. */
export const chestXray14Importer: Importer<ChestXray14Options> = {
  name: 'chestxray14',
  async *read(options: ChestXray14Options, context?: ImporterContext): AsyncIterable<ImportEvent> {
    if (!existsSync(options.labels))
      throw cxrError('DATASET_NOT_FOUND', `no label file at ${options.labels}`, { path: options.labels });
    context?.expectTotal?.(await countDataRows(options.labels));
    const folder = dirname(options.labels);
    const boxes = await readBoxes(
      options.boxes ?? firstExisting(folder, ['BBox_List_2017.csv', 'BBox_List_2017.csv.gz']),
    );
    const splits = await readSplitLists(options.lists ?? folder);
    const onHeader = (found: string[]) => requireColumns(found, COLUMNS, options.labels);
    for await (const event of readCsv(options.labels, { onHeader })) {
      if ('skipped' in event) {
        yield event;
        continue;
      }
      yield { record: recordOf(event.row, boxes, splits) };
    }
  },
};

function recordOf(
  row: CsvRow,
  boxes: Map<string, Array<{ label: string; box: Box }>>,
  splits: Map<string, 'train' | 'test'>,
) {
  const file = row['Image Index'] as string;
  const [width, height] = (row['OriginalImage[Width,Height]'] ?? '').split(',').map(Number);
  const imageBoxes = boxes.get(file) ?? [];
  const annotations: AnnotationRecord[] = (row['Finding Labels'] ?? '')
    .split('|')
    .map((label) => label.trim())
    .filter((label) => label !== '')
    .map((label) => {
      const box = imageBoxes.find((candidate) => candidate.label === label)?.box;
      return box === undefined ? { kind: 'finding', raw: label } : { kind: 'finding', raw: label, box };
    });
  const split = splits.get(file);
  return {
    sourceId: file.replace(/\.png$/i, ''),
    patient: {
      id: String(Number(row['Patient ID'])),
      sex: row['Patient Gender'],
      age: numberOrUndefined(row['Patient Age']),
    },
    images: [
      {
        id: file,
        path: file,
        view: row['View Position'] || undefined,
        width: Number.isFinite(width) ? width : undefined,
        height: Number.isFinite(height) ? height : undefined,
        officialSplit: split === 'test' ? ('test' as const) : split === 'train' ? ('train' as const) : undefined,
      },
    ],
    annotations,
  };
}

async function readBoxes(path: string | undefined): Promise<Map<string, Array<{ label: string; box: Box }>>> {
  const boxes = new Map<string, Array<{ label: string; box: Box }>>();
  if (path === undefined) return boxes;
  for await (const event of readCsv(path)) {
    if ('skipped' in event) continue;
    const row = event.row;
    const file = row['Image Index'] as string;
    const label = row['Finding Label'] as string;
    const [x, y, w, h] = (row['Bbox [x,y,w,h]'] ?? '').split(',').map(Number);
    if (![x, y, w, h].every((v) => Number.isFinite(v))) continue;
    const list = boxes.get(file) ?? [];
    list.push({
      label: BOX_LABEL_ALIASES[label] ?? label,
      box: { x: x as number, y: y as number, w: w as number, h: h as number, frameWidth: 1024, frameHeight: 1024 },
    });
    boxes.set(file, list);
  }
  return boxes;
}

async function readSplitLists(folder: string): Promise<Map<string, 'train' | 'test'>> {
  const splits = new Map<string, 'train' | 'test'>();
  for (const [file, split] of [
    ['train_val_list.txt', 'train'],
    ['test_list.txt', 'test'],
  ] as const) {
    const path = join(folder, file);
    if (!existsSync(path)) continue;
    for (const line of (await readFile(path, 'utf8')).split(/\r?\n/))
      if (line.trim()) splits.set(basename(line.trim()), split);
  }
  return splits;
}

function firstExisting(folder: string, names: string[]): string | undefined {
  return names.map((name) => join(folder, name)).find((path) => existsSync(path));
}

function numberOrUndefined(value: string | undefined): number | undefined {
  const n = Number(value);
  return value !== undefined && value !== '' && Number.isFinite(n) ? n : undefined;
}
