/**
 * The body of an upload decode process (upload-decode-pool.ts): one task at a time from the parent, answered with
 * the pixels or the CxrError as plain data. Only a crash or the heap limit ends it.
 */
import 'sharp';
import { type DecodeTask, decodeOutcome } from './decode-worker.js';

process.on('message', (task: DecodeTask) => {
  void decodeOutcome(task).then(
    (outcome) => process.send?.(outcome),
    (error: unknown) => process.send?.({ code: 'INTERNAL', message: `decoding failed: ${String(error)}`, details: {} }),
  );
});
process.send?.('ready');
// The parent going away closes the channel: nothing left to do.
process.on('disconnect', () => process.exit(0));
