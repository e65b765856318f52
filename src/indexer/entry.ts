import type { Annotation } from '../cascade/annotator.js';
import { toWord } from '../labels/sequences.js';
import type { Finding, IndexEntry } from '../store/index-store.js';
import type { CatalogImage } from './catalog-images.js';

/** An image's index entry: what the catalog knows of it and the cascade's reading of it. */
export function toIndexEntry(
  image: Omit<CatalogImage, 'studyId'> & { studyId?: string },
  annotation: Annotation,
): IndexEntry {
  return {
    imageId: image.imageId,
    dataset: image.dataset,
    ...(image.studyId === undefined ? {} : { studyId: image.studyId }),
    file: image.file,
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
    ...(image.report === undefined ? {} : { report: image.report }),
    embeddings: annotation.embeddings,
  };
}

/**
 * The generated annotation as findings. A mined class is a pattern of top terms (`cardiomegaly + pleural
 * effusion`): one finding each; the generated word sequence describes the term it starts with, so that finding
 * carries the sequence's side, severity and locations.
 */
export function generatedFindings(annotation: Annotation): Finding[] {
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
