import type { Annotation } from '../cascade/annotator.js';
import { toWord } from '../labels/sequences.js';
import type { Finding, IndexEntry } from '../store/index-store.js';
import type { CatalogImage } from './catalog-images.js';

/** An image's index entry: what the catalog knows of it and the cascade's reading of it. */
export function toIndexEntry(
  image: Omit<CatalogImage, 'studyId' | 'fromReport'> & Partial<Pick<CatalogImage, 'studyId' | 'fromReport'>>,
  annotation: Annotation,
): IndexEntry {
  return {
    imageId: image.imageId,
    dataset: image.dataset,
    ...(image.studyId === undefined ? {} : { studyId: image.studyId }),
    file: image.file,
    ...(image.root === undefined ? {} : { root: image.root }),
    ...(image.view === undefined ? {} : { view: image.view }),
    ...(image.split === undefined ? {} : { split: image.split }),
    generated: {
      sequence: annotation.sequence,
      disease: annotation.disease,
      ...(annotation.side === undefined ? {} : { side: annotation.side }),
      ...(annotation.severity === undefined ? {} : { severity: annotation.severity }),
      locations: annotation.locations,
      confidence: annotation.confidence,
      readingConfidence: annotation.readingConfidence,
      alternatives: annotation.alternatives,
      findings: generatedFindings(annotation),
    },
    truth: image.truth,
    ...(image.fromReport === undefined ? {} : { fromReport: image.fromReport }),
    ...(image.report === undefined ? {} : { report: image.report }),
    embeddings: annotation.embeddings,
  };
}

/**
 * Head findings below this probability are not stored. A 100,000-image index would otherwise hold every finding of
 * the head for every image (14 or so rows each, most near 0); 0.05 keeps whatever a `confidence:` query could
 * plausibly ask for while most images keep only a few rows.
 */
export const STORED_PROBABILITY_FLOOR = 0.05;

/**
 * The generated annotation as findings: the class head's, each with the per-finding head's probability of it when
 * the head has that finding, then the head's other findings at or above the floor, most probable first. Bundles
 * without the head (`findings: []`) give the class head's findings alone, as before.
 */
export function generatedFindings(annotation: Annotation): Finding[] {
  const head = new Map(annotation.findings.map((f) => [f.finding, f.probability]));
  const fromClass = classFindings(annotation).map((f) => {
    const probability = head.get(f.disease);
    return probability === undefined ? f : { ...f, probability };
  });
  const named = new Set(fromClass.map((f) => f.disease));
  const fromHead = annotation.findings
    .filter((f) => f.probability >= STORED_PROBABILITY_FLOOR && !named.has(f.finding))
    .sort((a, b) => b.probability - a.probability)
    .map((f) => ({ disease: f.finding, locations: [], probability: f.probability }));
  return [...fromClass, ...fromHead];
}

/**
 * The class head's reading as findings. A mined class is a pattern of top terms (`cardiomegaly + pleural
 * effusion`): one finding each; the generated word sequence describes the term it starts with, so that finding
 * carries the sequence's side, severity and locations.
 */
function classFindings(annotation: Annotation): Finding[] {
  const first = annotation.sequence[0];
  return annotation.disease.split(' + ').map((disease) => {
    const described = first !== undefined && toWord(disease.split('/')[0] as string) === first;
    return described
      ? {
          disease,
          ...(annotation.side === undefined ? {} : { side: annotation.side }),
          ...(annotation.severity === undefined ? {} : { severity: annotation.severity }),
          locations: annotation.locations,
        }
      : { disease, locations: [] };
  });
}
