import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createInflateRaw } from 'node:zlib';
import { cxrError } from '../errors.js';
import { type CsvEvent, type ReadCsvOptions, readCsv, requireColumns } from './csv.js';

/**
 * Streams a label file as readCsv does, also when it is published zipped (Kaggle's `stage_2_train_labels.csv.zip`):
 * the zip's first `.csv` entry is inflated to a temporary file, read, and deleted.
 */
export async function* readLabelCsv(path: string, options: ReadCsvOptions = {}): AsyncIterable<CsvEvent> {
  if (!path.toLowerCase().endsWith('.zip')) {
    yield* readCsv(path, options);
    return;
  }
  const folder = await mkdtemp(join(tmpdir(), 'cxr-zip-'));
  try {
    const csv = join(folder, 'labels.csv');
    await extractFirstCsv(path, csv);
    // The header is checked against the zip's name, which the user knows, not the temporary file's.
    const { required, onHeader } = options;
    yield* readCsv(csv, {
      onHeader: (names) => {
        if (required !== undefined) requireColumns(names, required, path);
        onHeader?.(names);
      },
    });
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  localHeader: number;
}

/** Inflates the first `.csv` entry of a zip file (stored or deflated, as zip tools write them) to `target`. */
async function extractFirstCsv(path: string, target: string): Promise<void> {
  const entry = (await zipEntries(path)).find((candidate) => candidate.name.toLowerCase().endsWith('.csv'));
  if (entry === undefined) throw cxrError('CSV_HEADER', `${basename(path)} holds no .csv file`, { path });
  if (entry.method !== 0 && entry.method !== 8)
    throw cxrError('CSV_HEADER', `${basename(path)}: ${entry.name} is compressed with zip method ${entry.method}`, {
      path,
    });
  const handle = await open(path, 'r');
  const local = Buffer.alloc(30);
  try {
    await handle.read(local, 0, 30, entry.localHeader);
  } finally {
    await handle.close();
  }
  const start = entry.localHeader + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  const input = createReadStream(path, { start, end: start + entry.compressedSize - 1 });
  const output = createWriteStream(target);
  await (entry.method === 8 ? pipeline(input, createInflateRaw(), output) : pipeline(input, output));
}

/** The entries of a zip's central directory, found from its end record (within the last 64 KiB + 22 bytes). */
async function zipEntries(path: string): Promise<ZipEntry[]> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const tailLength = Math.min(size, 65_557);
    const tail = Buffer.alloc(tailLength);
    await handle.read(tail, 0, tailLength, size - tailLength);
    const end = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (end < 0) throw cxrError('CSV_HEADER', `${basename(path)} is not a zip file`, { path });
    const count = tail.readUInt16LE(end + 10);
    const directorySize = tail.readUInt32LE(end + 12);
    const directory = Buffer.alloc(directorySize);
    await handle.read(directory, 0, directorySize, tail.readUInt32LE(end + 16));
    const entries: ZipEntry[] = [];
    for (let at = 0, i = 0; i < count && directory.readUInt32LE(at) === 0x02014b50; i++) {
      const nameLength = directory.readUInt16LE(at + 28);
      entries.push({
        name: directory.toString('utf8', at + 46, at + 46 + nameLength),
        method: directory.readUInt16LE(at + 10),
        compressedSize: directory.readUInt32LE(at + 20),
        localHeader: directory.readUInt32LE(at + 42),
      });
      at += 46 + nameLength + directory.readUInt16LE(at + 30) + directory.readUInt16LE(at + 32);
    }
    return entries;
  } finally {
    await handle.close();
  }
}
