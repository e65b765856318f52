import * as tf from '@tensorflow/tfjs';
import { imageBatch } from '../data/batches.js';
import type { TrainingExample } from '../data/training-set.js';
import type { Cnn } from '../models/cnn.js';
import { aurocPerClass } from './auroc.js';

export interface ClassificationReport {
  images: number;
  accuracy: number;
  /** One-vs-rest AUROC per class with both positives and negatives among the images. */
  auroc: Record<string, number>;
  /** confusion[true][predicted], classes in index order. */
  confusion: number[][];
}

/** Class accuracy, per-class AUROC and the confusion matrix of the CNN on examples (centre crops). */
export function evaluateClassifier(
  cnn: Cnn,
  examples: TrainingExample[],
  classes: string[],
  geometry: { size: number; crop: number },
): ClassificationReport {
  const classIndex = new Map(classes.map((name, i) => [name, i]));
  const usable = examples
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => e.className !== undefined && classIndex.has(e.className));
  const probabilities: number[][] = [];
  for (let at = 0; at < usable.length; at += 64) {
    const indices = usable.slice(at, at + 64).map(({ i }) => i);
    const rows = tf.tidy(() => {
      const x = imageBatch(examples, indices, geometry.size, geometry.crop);
      return (cnn.classifier.predict(x) as tf.Tensor).arraySync() as number[][];
    });
    probabilities.push(...rows);
  }
  const truth = usable.map(({ e }) => classIndex.get(e.className as string) as number);
  const predicted = probabilities.map((p) => p.indexOf(Math.max(...p)));
  const confusion = classes.map(() => classes.map(() => 0));
  truth.forEach((t, n) => {
    const row = confusion[t] as number[];
    const p = predicted[n] as number;
    row[p] = (row[p] as number) + 1;
  });
  return {
    images: usable.length,
    accuracy: truth.length === 0 ? 0 : truth.filter((t, n) => t === predicted[n]).length / truth.length,
    auroc: aurocPerClass(probabilities, truth, classes),
    confusion,
  };
}
