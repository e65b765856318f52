import { cxrError } from '../errors.js';
import type { Catalog } from '../store/catalog.js';
import { CascadeOptions, type CascadeProgress, decodeSizeFor, type TrainedCascade, trainCascade } from './cascade.js';
import { Checkpoints } from './checkpoints.js';
import { loadTrainingSet } from './data/training-set.js';

export interface CatalogTrainingOptions {
  dataset?: string;
  cascade: CascadeOptions;
  onLoad?: (done: number, total: number) => void;
  onEpoch?: CascadeProgress;
  /** A folder for per-epoch checkpoints: a training interrupted (signal, crash) resumes from it. */
  checkpointDir?: string;
  signal?: AbortSignal;
}

/**
 * From a mined catalog to a trained cascade: loads the classed images, refuses data that cannot train a
 * classifier (TRAINING_DATA: one class only, or a class with no training image), then runs the cascade.
 */
export async function trainFromCatalog(catalog: Catalog, options: CatalogTrainingOptions): Promise<TrainedCascade> {
  // Resolved once here, so the decode size follows the CNN's own default input size.
  const cascade = CascadeOptions.parse(options.cascade);
  const set = await loadTrainingSet(catalog, {
    dataset: options.dataset,
    size: decodeSizeFor(cascade.cnn.inputSize),
    onProgress: options.onLoad,
  });
  const counts = new Map<string, { all: number; train: number }>();
  for (const example of set.examples) {
    if (example.className === undefined) continue;
    const count = counts.get(example.className) ?? { all: 0, train: 0 };
    count.all++;
    if (example.split === 'train') count.train++;
    counts.set(example.className, count);
  }
  if (counts.size < 2) {
    throw cxrError(
      'TRAINING_DATA',
      `the catalog has ${counts.size} class(es) with images; a classifier needs two or more (run cxr labels, or lower --min-cases)`,
      {
        classes: [...counts.keys()],
      },
    );
  }
  const empty = [...counts].filter(([, count]) => count.train === 0).map(([name]) => name);
  if (empty.length > 0) {
    throw cxrError(
      'TRAINING_DATA',
      `class(es) without training images: ${empty.join(', ')} (re-mine with more data or a lower --min-held-out)`,
      { empty },
    );
  }
  const baseClasses = [...counts].sort((a, b) => b[1].all - a[1].all || a[0].localeCompare(b[0])).map(([name]) => name);
  const checkpoints =
    options.checkpointDir === undefined
      ? undefined
      : new Checkpoints(options.checkpointDir, {
          cascade,
          examples: set.examples.map((e) => [e.imageId, e.className, e.split]),
        });
  return trainCascade(set, baseClasses, cascade, options.onEpoch, { checkpoints, signal: options.signal });
}
