import type { Split } from '../../labels/splits.js';
import type { Catalog } from '../../store/catalog.js';
import type { Annotator } from '../annotator.js';
import { decodingOf } from '../bundle/format.js';
import { loadTrainingSet } from '../data/training-set.js';
import { aurocPerClass } from './auroc.js';
import { type BleuScores, corpusBleu } from './bleu.js';

export interface BundleEvaluation extends BleuScores {
  split: Split;
  images: number;
  classAccuracy: number;
  auroc: Record<string, number>;
  meanAuroc: number;
}

/**
 * A bundle against a mined catalog's held-out images (the test split by default): mined-class accuracy of the
 * annotator's disease, per-class AUROC of its scores, and BLEU-1…4 of its generated annotations.
 */
export async function evaluateBundle(
  annotator: Annotator,
  catalog: Catalog,
  options: { dataset?: string; split?: Split } = {},
): Promise<BundleEvaluation> {
  const split = options.split ?? 'test';
  const set = await loadTrainingSet(catalog, {
    dataset: options.dataset,
    ...decodingOf(annotator.manifest),
  });
  const classes = annotator.manifest.baseClasses;
  const held = set.examples.filter(
    (e) => e.split === split && e.className !== undefined && classes.includes(e.className),
  );
  const annotations = [];
  for (let at = 0; at < held.length; at += 64) {
    annotations.push(...(await annotator.annotateDecoded(held.slice(at, at + 64).map((e) => ({ data: e.pixels })))));
  }
  const truth = held.map((e) => classes.indexOf(e.className as string));
  const auroc = aurocPerClass(
    annotations.map((a) => a.scores),
    truth,
    classes,
  );
  const values = Object.values(auroc);
  return {
    split,
    images: held.length,
    classAccuracy:
      held.length === 0 ? 0 : annotations.filter((a, i) => a.disease === held[i]?.className).length / held.length,
    auroc,
    meanAuroc: values.reduce((a, b) => a + b, 0) / Math.max(1, values.length),
    ...corpusBleu(
      annotations.map((a) => a.sequence),
      held.map((e) => [e.sequence]),
    ),
  };
}
