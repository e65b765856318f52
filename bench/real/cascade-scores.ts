/**
 * A cascade configuration as a scorer: trained from the catalog (timed), then every test image annotated as
 * training decoded it (`geometry.size`, area resize). Pneumonia is the per-finding head's probability when the
 * bundle has the head, else 1 − P(normal) of the mined classes.
 */
import type { Annotation } from '../../src/cascade/annotator.js';
import { cascadeAnnotator } from '../../src/cascade/bundle/save.js';
import type { CascadeOptions } from '../../src/cascade/cascade.js';
import { trainFromCatalog } from '../../src/cascade/train-catalog.js';
import { decodeGrey } from '../../src/datasets/images/decode.js';
import type { Catalog } from '../../src/store/catalog.js';
import { headingName, type LabelledImage, NORMAL, PNEUMONIA } from './dataset.js';
import { ANY_FINDING, cpuSeconds, type Scores } from './scores.js';

const BATCH = 32;

export async function cascadeScores(
  name: string,
  catalog: Catalog,
  dataset: string,
  options: CascadeOptions,
  test: LabelledImage[],
): Promise<Scores> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const cascade = await trainFromCatalog(catalog, {
    dataset,
    cascade: options,
    onEpoch: (stage, stats) =>
      process.stderr.write(`  ${name} ${stage} epoch ${stats.epoch}/${stats.epochs} loss ${stats.loss.toFixed(3)}\n`),
  });
  const trainingSeconds = (performance.now() - started) / 1000;
  const trainingCpuSeconds = cpuSeconds(process.cpuUsage(cpu));
  try {
    const annotator = cascadeAnnotator(cascade);
    const annotations: Annotation[] = [];
    for (let at = 0; at < test.length; at += BATCH) {
      const batch = test.slice(at, at + BATCH);
      const decoded = await Promise.all(batch.map((image) => decodeGrey(image.file, cascade.geometry.size, 'area')));
      annotations.push(...(await annotator.annotateDecoded(decoded)));
    }
    const findings = findingNames(annotations[0], cascade.baseClasses);
    return {
      name,
      pneumonia: annotations.map((a) => findingProbability(a, cascade.baseClasses, PNEUMONIA)),
      findings: new Map(
        findings.map((finding) => [
          finding,
          annotations.map((a) => findingProbability(a, cascade.baseClasses, finding)),
        ]),
      ),
      embeddings: annotations.map((a) => a.embeddings.final),
      trainingSeconds,
      trainingCpuSeconds,
      details: {
        options: cascade.options,
        baseClasses: cascade.baseClasses,
        findingsHead: (annotations[0]?.findings.length ?? 0) > 0,
      },
    };
  } finally {
    cascade.dispose();
  }
}

/** The head's findings when it has them; otherwise the terms of the mined classes (and ANY_FINDING). */
function findingNames(annotation: Annotation | undefined, baseClasses: string[]): string[] {
  if (annotation !== undefined && annotation.findings.length > 0) {
    return [ANY_FINDING, ...annotation.findings.map((f) => headingName(f.finding))];
  }
  return [ANY_FINDING, ...new Set(baseClasses.flatMap(termsOf).filter((term) => term !== NORMAL))];
}

/**
 * A finding's probability: the head's (calibrated) when present; else the summed probability of the mined
 * classes whose pattern names it (`atelectasis + pneumonia` counts for both). ANY_FINDING is 1 − P(normal).
 */
export function findingProbability(annotation: Annotation, baseClasses: string[], finding: string): number {
  const normal = annotation.scores[baseClasses.indexOf(NORMAL)] ?? 0;
  if (finding === ANY_FINDING) return 1 - normal;
  const head = annotation.findings.find((f) => headingName(f.finding) === finding);
  if (head !== undefined) return head.probability;
  if (annotation.findings.length === 0 && finding === PNEUMONIA && baseClasses.includes(NORMAL)) return 1 - normal;
  return baseClasses.reduce(
    (sum, name, c) => (termsOf(name).includes(finding) ? sum + (annotation.scores[c] as number) : sum),
    0,
  );
}

function termsOf(pattern: string): string[] {
  return pattern.split(' + ').map(headingName);
}
