import type { Split } from '../../labels/splits.js';
import type { Catalog } from '../../store/catalog.js';
import type { Annotation, Annotator } from '../annotator.js';
import { decodingOf } from '../bundle/format.js';
import { loadTrainingSet, type TrainingExample } from '../data/training-set.js';
import { findingTargets, statedLabels } from '../training/finding-targets.js';
import { aurocPerClass } from './auroc.js';
import { type BleuScores, corpusBleu } from './bleu.js';
import { calibrationError, topLabelCalibrationError } from './calibration-error.js';
import { type FindingAuroc, findingAurocs } from './finding-auroc.js';

/** AUROC of one finding with its bootstrap 95% interval, resampling patients. */
export type FindingEvaluation = Omit<FindingAuroc, 'roc'>;

export interface BundleEvaluation extends BleuScores {
  split: Split;
  /** Classed held-out images (class accuracy, AUROC per class, BLEU). */
  images: number;
  classAccuracy: number;
  auroc: Record<string, number>;
  meanAuroc: number;
  /** Every labelled held-out image (the finding head's figures). */
  labelledImages: number;
  findings: FindingEvaluation[];
  /** ECE (10 bins) of the figures shown to users; `before` is without the bundle's calibration, when asked for. */
  calibration: {
    classEce: { before?: number; after: number };
    findingEce?: { before?: number; after: number };
  };
}

/**
 * A bundle against a mined catalog's held-out images (the test split by default): mined-class accuracy of the
 * annotator's disease, per-class AUROC of its scores, BLEU-1…4 of its generated annotations, per-finding AUROC of
 * its finding head with bootstrap intervals, and expected calibration error. `uncalibrated` (the same bundle loaded
 * without its calibration) gives the ECE before calibration.
 */
export async function evaluateBundle(
  annotator: Annotator,
  catalog: Catalog,
  options: { dataset?: string; split?: Split; uncalibrated?: Annotator } = {},
): Promise<BundleEvaluation> {
  const split = options.split ?? 'test';
  const set = await loadTrainingSet(catalog, { dataset: options.dataset, ...decodingOf(annotator.manifest) });
  const classes = annotator.manifest.baseClasses;
  const labelled = set.examples.filter((e) => e.split === split);
  const annotations = await annotateAll(annotator, labelled);
  const raw = options.uncalibrated === undefined ? undefined : await annotateAll(options.uncalibrated, labelled);
  const classed = labelled.flatMap((e, n) => (e.className !== undefined && classes.includes(e.className) ? [n] : []));
  const truth = classed.map((n) => classes.indexOf(labelled[n]?.className as string));
  const auroc = aurocPerClass(
    classed.map((n) => annotations[n]?.scores as number[]),
    truth,
    classes,
  );
  const values = Object.values(auroc);
  const classEce = (readings: Annotation[]) =>
    topLabelCalibrationError(
      classed.map((n) => readings[n]?.scores as number[]),
      truth,
    );
  const findingNames = annotator.manifest.findings ?? [];
  const findingEce = (readings: Annotation[]) => findingCalibrationError(readings, labelled, findingNames);
  return {
    split,
    images: classed.length,
    classAccuracy:
      classed.length === 0
        ? 0
        : classed.filter((n) => annotations[n]?.disease === labelled[n]?.className).length / classed.length,
    auroc,
    meanAuroc: values.reduce((a, b) => a + b, 0) / Math.max(1, values.length),
    labelledImages: labelled.length,
    findings: findingAurocs(
      findingNames,
      annotations.map((a) => a.findings.map((f) => f.probability)),
      labelled.map((e) => statedLabels(e, findingNames)),
      labelled.map((e) => e.patientId ?? e.imageId),
    ).map(({ roc: _, ...rest }) => rest),
    calibration: {
      classEce: { ...(raw === undefined ? {} : { before: classEce(raw) }), after: classEce(annotations) },
      ...(findingNames.length === 0
        ? {}
        : {
            findingEce: { ...(raw === undefined ? {} : { before: findingEce(raw) }), after: findingEce(annotations) },
          }),
    },
    ...corpusBleu(
      classed.map((n) => annotations[n]?.sequence as string[]),
      classed.map((n) => [labelled[n]?.sequence as string[]]),
    ),
  };
}

async function annotateAll(annotator: Annotator, examples: TrainingExample[]): Promise<Annotation[]> {
  const annotations: Annotation[] = [];
  for (let at = 0; at < examples.length; at += 64) {
    annotations.push(
      ...(await annotator.annotateDecoded(examples.slice(at, at + 64).map((e) => ({ data: e.pixels })))),
    );
  }
  return annotations;
}

/** Per finding: the images whose labels state it (present or absent), their probabilities and labels. */
function statedPairs(annotations: Annotation[], examples: TrainingExample[], findings: string[], f: number) {
  return examples.flatMap((example, n) => {
    const { targets, mask } = findingTargets(example, findings);
    if (mask[f] === 0) return [];
    return [
      {
        probability: annotations[n]?.findings[f]?.probability as number,
        label: targets[f] as number,
        group: example.patientId ?? example.imageId,
      },
    ];
  });
}

function findingCalibrationError(annotations: Annotation[], examples: TrainingExample[], findings: string[]): number {
  const pairs = findings.flatMap((_, f) => statedPairs(annotations, examples, findings, f));
  return calibrationError(
    pairs.map((p) => p.probability),
    pairs.map((p) => p.label),
  );
}
