/**
 * A child process for the corrupt-file tests: opens the index folder (argv[2]) as `cxr search` does, runs one
 * image query by the stored embedding (argv[3]: first or final, default final) of the first entry, and prints the hit labels as JSON, or the error's code.
 * A file that crashes the native code kills only this process, which the test sees as a signal.
 */
import { SearchIndex } from '../../src/store/search-index.js';

const [dir, kind = 'final'] = process.argv.slice(2) as [string, 'first' | 'final' | undefined];
try {
  const index = SearchIndex.open(dir);
  try {
    const first = index.store.embedding(1, kind);
    if (first === undefined) throw new Error('no entry 1');
    const hits = index.vectors(kind).search(first, 10);
    process.stdout.write(JSON.stringify({ labels: hits.map((h) => h.label) }));
  } finally {
    index.close();
  }
} catch (error) {
  process.stdout.write(
    JSON.stringify({ code: (error as { code?: string }).code ?? 'UNCODED', message: String(error) }),
  );
}
