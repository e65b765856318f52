import { join } from 'node:path';
import type { Express } from 'express';
import { selectBackend } from '../../src/cascade/backend.js';
import { loadBundle } from '../../src/cascade/bundle/load.js';
import { buildIndex } from '../../src/indexer/build-index.js';
import { SearchEngine } from '../../src/search/engine.js';
import { createApp } from '../../src/server/app.js';
import { Catalog } from '../../src/store/catalog.js';
import { tempDir } from './fixtures.js';
import { sampleBundle } from './sample-bundle.js';

export const TOKEN = 'test-token-123';

/** A real sample index (small trained cascade, real images) behind the express app, as `cxr serve` runs it. */
export async function sampleServer(uploadLimit?: number): Promise<{
  app: Express;
  engine: SearchEngine;
  indexDir: string;
  images: string;
  log: string[];
}> {
  await selectBackend('wasm');
  const sample = await sampleBundle(120, 41);
  const indexDir = join(tempDir(), 'index');
  const annotator = await loadBundle(sample.bundleDir);
  const catalog = Catalog.open(sample.catalogPath);
  await buildIndex(catalog, annotator, sample.bundleDir, indexDir);
  catalog.close();
  annotator.dispose();
  // As `cxr serve` does: uploads decode on a worker thread.
  const engine = SearchEngine.open(indexDir, { loadAnnotator: (bundle) => loadBundle(bundle), decodeThreads: 1 });
  const log: string[] = [];
  const app = createApp({ engine, token: TOKEN, uploadLimit, log: (line) => log.push(line) });
  return { app, engine, indexDir, images: sample.images, log };
}
