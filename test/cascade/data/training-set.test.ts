import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTrainingSet } from '../../../src/cascade/data/training-set.js';
import { decodeGrey } from '../../../src/datasets/images/decode.js';
import { writeSampleDataset } from '../../../src/datasets/sample/generate.js';
import { mineLabels } from '../../../src/labels/mine.js';
import { tempDir } from '../../helpers/fixtures.js';
import { importInto } from '../../helpers/import.js';

describe('loading the training set', () => {
  it('decodes every labelled image on the pool as decodeGrey does, and skips a corrupt one with its code', async () => {
    const out = tempDir();
    await writeSampleDataset(out, { count: 80, size: 96, seed: 8 });
    const { catalog } = await importInto('openi', join(out, 'reports'), {
      images: join(out, 'images'),
      verify: 'none',
    });
    const mined = mineLabels(catalog, { minCases: 5, minHeldOut: 1 });
    const labelled = catalog.db
      .prepare(
        'SELECT l.image_id AS id, i.path, l.class FROM image_labels l JOIN images i ON i.id = l.image_id ORDER BY l.class IS NULL, l.image_id',
      )
      .all() as Array<{ id: string; path: string; class: string | null }>;
    const pathOf = new Map(labelled.map((row) => [row.id, join(out, 'images', row.path)]));
    writeFileSync(pathOf.get(labelled[0]?.id as string) as string, Buffer.from('\x89PNG\r\n\x1a\nbroken', 'latin1'));

    const set = await loadTrainingSet(catalog, { size: 73, threads: 2 });
    catalog.close();
    expect(set.skipped).toEqual([expect.objectContaining({ code: 'IMAGE_CORRUPT', item: labelled[0]?.id })]);
    // Every labelled image, classed or not (the finding head learns from all), less the corrupt one.
    expect(set.examples).toHaveLength(mined.labelledImages - 1);
    expect(set.examples.filter((e) => e.className !== undefined)).toHaveLength(mined.classImages - 1);
    for (const example of set.examples.slice(0, 3)) {
      const direct = await decodeGrey(pathOf.get(example.imageId) as string, 73, 'area');
      expect(example.pixels).toEqual(direct.data);
    }
  });
});
