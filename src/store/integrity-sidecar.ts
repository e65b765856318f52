import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { cxrError } from '../errors.js';
import { writeTextAtomically } from './atomic-file.js';

/**
 * An index file's integrity record, `<file>.sum`: its size and SHA-256 as JSON, written beside it and checked on
 * load, so that a file damaged on disk (garbage, truncation, zeros) is known before native code reads it.
 */
export function sidecarOf(file: string): string {
  return `${file}.sum`;
}

interface Sum {
  size: number;
  sha256: string;
}

/** Records `content`'s size and hash as the sidecar of `file` (content may still be a temporary of file). */
export function writeSidecar(content: string, file: string): void {
  writeTextAtomically(sidecarOf(file), `${JSON.stringify(sumOf(content))}\n`);
}

/** INDEX_CORRUPT unless `file` has the size and hash its sidecar records. */
export function checkSidecar(file: string): void {
  const name = sidecarOf(file);
  let expected: Sum;
  try {
    expected = JSON.parse(readFileSync(name, 'utf8')) as Sum;
  } catch (error) {
    throw cxrError('INDEX_CORRUPT', `${name} is not a readable integrity record: ${(error as Error).message}`, {
      path: name,
    });
  }
  if (!Number.isInteger(expected.size) || typeof expected.sha256 !== 'string') {
    throw cxrError('INDEX_CORRUPT', `${name} is not a readable integrity record`, { path: name });
  }
  const size = existsSync(file) ? statSync(file).size : -1;
  if (size !== expected.size) {
    throw cxrError('INDEX_CORRUPT', `${file} is ${size} bytes, not the ${expected.size} it was written with`, {
      path: file,
    });
  }
  if (sumOf(file).sha256 !== expected.sha256) {
    throw cxrError('INDEX_CORRUPT', `${file} does not match its checksum (damaged on disk?)`, { path: file });
  }
}

/** Size and SHA-256, read in 1 MB pieces (an HNSW file of 100,000 images is ~300 MB). */
function sumOf(file: string): Sum {
  const hash = createHash('sha256');
  const buffer = Buffer.alloc(1 << 20);
  const fd = openSync(file, 'r');
  let size = 0;
  try {
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, null);
      if (read === 0) break;
      hash.update(buffer.subarray(0, read));
      size += read;
    }
  } finally {
    closeSync(fd);
  }
  return { size, sha256: hash.digest('hex') };
}
