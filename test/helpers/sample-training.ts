import { join } from 'node:path';
import { decodeSizeFor } from '../../src/cascade/cascade.js';
import { loadTrainingSet, type TrainingSet } from '../../src/cascade/data/training-set.js';
import { writeSampleDataset } from '../../src/datasets/sample/generate.js';
import { type MiningStats, mineLabels } from '../../src/labels/mine.js';
import { tempDir } from './fixtures.js';
import { importInto } from './import.js';

/** A sample dataset written, imported, mined and loaded for training: the cascade tests' common start. */
export async function sampleTrainingSet(options: {
  count: number;
  seed: number;
  minCases: number;
  minHeldOut: number;
  inputSize?: number;
}): Promise<{ set: TrainingSet; mined: MiningStats; out: string }> {
  const out = tempDir();
  const decodeSize = decodeSizeFor(options.inputSize ?? 64);
  await writeSampleDataset(out, { count: options.count, size: decodeSize + 8, seed: options.seed });
  const { catalog } = await importInto('openi', join(out, 'reports'), { images: join(out, 'images'), verify: 'none' });
  const mined = mineLabels(catalog, { minCases: options.minCases, minHeldOut: options.minHeldOut });
  const set = await loadTrainingSet(catalog, { size: decodeSize });
  catalog.close();
  return { set, mined, out };
}
