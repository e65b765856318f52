#!/usr/bin/env node
import { CommanderError } from 'commander';
import { isCxrError } from '../errors.js';
import { sqliteFault } from '../store/open-database.js';
import { EXIT, exitCodeOf } from './exit-codes.js';
import { createProgram } from './program.js';

const program = createProgram();

try {
  await program.parseAsync(process.argv);
} catch (thrown) {
  // Commander has printed its own message (or the help / version, which exit 0).
  if (thrown instanceof CommanderError) process.exit(thrown.exitCode === 0 ? EXIT.ok : EXIT.usage);
  const error = sqliteFault(thrown) ?? thrown; // a damaged or read-only index file, named, not a SqliteError stack
  if (isCxrError(error)) {
    process.stderr.write(`cxr: ${error.code}: ${error.message}\n`);
    process.exit(exitCodeOf(error));
  }
  process.stderr.write('cxr: an internal fault (please report it with the trace below)\n');
  throw error;
}
