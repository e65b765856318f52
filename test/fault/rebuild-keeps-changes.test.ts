import { copyFileSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Annotator } from '../../src/cascade/annotator.js';
import { selectBackend } from '../../src/cascade/backend.js';
import { loadBundle } from '../../src/cascade/bundle/load.js';
import { buildIndex } from '../../src/indexer/build-index.js';
import { SearchEngine } from '../../src/search/engine.js';
import { Catalog } from '../../src/store/catalog.js';
import type { IndexEntry } from '../../src/store/index-store.js';
import { SearchIndex } from '../../src/store/search-index.js';
import { tempDir } from '../helpers/fixtures.js';
import { sampleBundle } from '../helpers/sample-bundle.js';

/**
 * A rebuild keeps what was changed after the build (issue 16, item 3): images added by `cxr add` / POST /api/images
 * are annotated again from their files, removed ones stay out, and an added image whose file is gone is named
 * before the build starts (refused unless --drop-added).
 */
describe('a rebuild keeps images added and removed since the build', () => {
  let sample: Awaited<ReturnType<typeof sampleBundle>>;
  let annotator: Annotator;
  let catalog: Catalog;
  const indexDir = join(tempDir(), 'index');
  const own = tempDir(); // the user's own files that `cxr add` was given
  let removed: string[];

  beforeAll(async () => {
    await selectBackend('wasm');
    sample = await sampleBundle(60, 17);
    annotator = await loadBundle(sample.bundleDir);
    catalog = Catalog.open(sample.catalogPath);
    await buildIndex(catalog, annotator, sample.bundleDir, indexDir);
  }, 180_000);
  afterAll(() => {
    annotator.dispose();
    catalog.close();
  });

  const open = () => SearchEngine.open(indexDir, { loadAnnotator: (bundle) => loadBundle(bundle) });
  const ids = (engine: SearchEngine) =>
    new Set(engine.index.store.entries([...engine.index.store.labels()]).map((e) => e.imageId));

  it('keeps added images (annotated again) and leaves removed ones out', async () => {
    const [a, b] = readdirSync(sample.images).sort().slice(0, 2) as [string, string];
    copyFileSync(join(sample.images, a), join(own, 'first.png'));
    copyFileSync(join(sample.images, b), join(own, 'second.png'));
    const engine = open();
    await engine.addImages([
      { imageId: 'added:first', dataset: 'added', file: join(own, 'first.png') },
      { imageId: 'added:second', dataset: 'added', file: join(own, 'second.png'), view: 'PA' },
    ]);
    removed = [...ids(engine)].filter((id) => id.startsWith('sample:')).slice(0, 3);
    expect(await engine.removeImages(removed)).toEqual(removed);
    const count = engine.index.store.count();
    await engine.close();

    const result = await buildIndex(catalog, annotator, sample.bundleDir, indexDir);
    expect(result.indexed).toBe(count);
    const rebuilt = open();
    const now = ids(rebuilt);
    expect(now.has('added:first') && now.has('added:second')).toBe(true);
    for (const id of removed) expect(now.has(id)).toBe(false);
    expect(rebuilt.entry('added:second')).toMatchObject({ origin: 'added', view: 'PA', dataset: 'added' });
    expect(rebuilt.index.vectors('final').size).toBe(count);
    const like = await rebuilt.search({
      image: {
        vector: rebuilt.index.store.embedding(
          rebuilt.index.store.labelOf('added:first') as number,
          'final',
        ) as Float32Array,
      },
      k: 3,
    });
    expect(like.hits.map((h) => h.imageId)).toContain('added:first');
    expect(rebuilt.index.store.removedImages()).toEqual(new Set(removed)); // carried on to the next rebuild
    await rebuilt.close();
  }, 180_000);

  it('names an added image whose file is gone before it starts, and drops it only with --drop-added', async () => {
    rmSync(join(own, 'second.png'));
    const before = readdirSync(indexDir).sort();
    await expect(buildIndex(catalog, annotator, sample.bundleDir, indexDir)).rejects.toMatchObject({
      code: 'IMAGE_MISSING',
      details: { images: ['added:second'], option: '--drop-added' },
    });
    expect(readdirSync(indexDir).sort()).toEqual(before); // nothing started: no building/
    expect(existsSync(join(indexDir, 'building'))).toBe(false);

    await buildIndex(catalog, annotator, sample.bundleDir, indexDir, { dropAdded: true });
    const engine = open();
    expect(ids(engine).has('added:second')).toBe(false);
    expect(ids(engine).has('added:first')).toBe(true);
    await engine.close();
  }, 180_000);

  it('applies what was added and removed in the live index while the build ran, at the switch', async () => {
    let wrote = false;
    let late = '';
    await buildIndex(
      catalog,
      annotator,
      sample.bundleDir,
      indexDir,
      {},
      {
        onProgress: (p) => {
          if (p.stage !== 'vectors' || wrote) return;
          wrote = true; // another process's write to the live index, after the annotation pass
          const live = SearchIndex.open(indexDir);
          const [template] = live.store.entries([[...live.store.labels()][0] as number]);
          late = template?.imageId as string;
          const embeddings = {
            first: live.store.embedding(template?.label as number, 'first') as Float32Array,
            final: live.store.embedding(template?.label as number, 'final') as Float32Array,
          };
          const entry = {
            ...(template as unknown as IndexEntry),
            imageId: 'late:one',
            dataset: 'late',
            file: join(own, 'first.png'),
            origin: 'added' as const,
            embeddings,
          };
          live.add([entry]);
          live.remove([late]);
          live.close();
        },
      },
    );
    expect(wrote).toBe(true);
    const engine = open();
    expect(ids(engine).has('late:one')).toBe(true);
    expect(ids(engine).has(late)).toBe(false);
    expect(engine.index.vectors('final').size).toBe(engine.index.store.count());
    await engine.close();
  }, 180_000);
});
