/**
 * A child process for the writer tests: takes the write lock of the index folder argv[2], says `held` on stdout,
 * and keeps it until it is killed (the test kills it with -9, as a crash would).
 */
import { acquireWriteLock } from '../../src/store/write-lock.js';

acquireWriteLock(process.argv[2] as string);
process.stdout.write('held\n');
setInterval(() => undefined, 60_000);
