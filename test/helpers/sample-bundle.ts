import { join } from 'node:path';
import { saveBundle } from '../../src/cascade/bundle/save.js';
import { decodeSizeFor, trainCascade } from '../../src/cascade/cascade.js';
import { loadTrainingSet } from '../../src/cascade/data/training-set.js';
import { importFormat } from '../../src/datasets/formats.js';
import { writeSampleDataset } from '../../src/datasets/sample/generate.js';
import { mineLabels } from '../../src/labels/mine.js';
import { Catalog } from '../../src/store/catalog.js';
import { tempDir } from './fixtures.js';

/**
 * A sample dataset imported into a catalog file, mined, and a small cascade trained on it and saved as a bundle:
 * the start of every index test that needs a real model. Small enough to train in seconds; not accurate.
 */
export async function sampleBundle(
  count = 160,
  seed = 31,
): Promise<{ root: string; catalogPath: string; bundleDir: string; images: string }> {
  const root = tempDir();
  const decodeSize = decodeSizeFor(32);
  await writeSampleDataset(join(root, 'sample'), { count, size: decodeSize + 8, seed });
  const catalogPath = join(root, 'catalog.sqlite');
  const catalog = Catalog.open(catalogPath);
  try {
    await importFormat(catalog, 'openi', join(root, 'sample', 'reports'), {
      dataset: 'sample',
      images: join(root, 'sample', 'images'),
      verify: 'none',
    });
    const mined = mineLabels(catalog, { minCases: 8, minHeldOut: 1 });
    const set = await loadTrainingSet(catalog, { size: decodeSize });
    const cascade = await trainCascade(
      set,
      mined.classes.map((c) => c.name),
      {
        cnn: { inputSize: 32, width: 0.25, dropout: 0 },
        cnnTraining: { epochs: 1 },
        rnn: { units: 16, layers: 2 },
        rnnTraining: { epochs: 2 },
        iterations: 0,
      },
    );
    const bundleDir = join(root, 'bundle');
    await saveBundle(cascade, bundleDir);
    cascade.dispose();
    return { root, catalogPath, bundleDir, images: join(root, 'sample', 'images') };
  } finally {
    catalog.close();
  }
}
