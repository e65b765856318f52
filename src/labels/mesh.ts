import type { Box } from '../datasets/record.js';
import {
  ANATOMY_HEADINGS,
  asLaterality,
  asSeverity,
  type Laterality,
  LOCATIONS,
  NON_FINDING_HEADINGS,
  NORMAL,
  NORMAL_FINDINGS,
  normaliseTerm,
  type Severity,
} from './vocabulary/qualifiers.js';

/** A MeSH-style annotation taken apart: `Pulmonary Atelectasis/base/left/mild`. */
export interface ParsedAnnotation {
  /** The heading as published, normalised: `pulmonary atelectasis`. */
  heading: string;
  /** The top term label mining groups by: the heading, with an anatomy heading's first qualifier (`lung/hypoinflation`). */
  topTerm: string;
  location: string[];
  laterality?: Laterality;
  severity?: Severity;
  descriptors: string[];
  /** Every piece in order, for the annotation word sequence. */
  pieces: string[];
  /** False for `No Indexing` and `Technical Quality of Image Unsatisfactory`. */
  isFinding: boolean;
}

export function parseMesh(raw: string): ParsedAnnotation {
  const pieces = raw
    .split('/')
    .map(normaliseTerm)
    .filter((piece) => piece.length > 0);
  const heading = pieces[0] ?? '';
  const qualifiers = pieces.slice(1);
  const topTerm = ANATOMY_HEADINGS.has(heading) && qualifiers.length > 0 ? `${heading}/${qualifiers[0]}` : heading;
  const parsed: ParsedAnnotation = {
    heading,
    topTerm,
    location: [],
    descriptors: [],
    pieces,
    isFinding: heading.length > 0 && !NON_FINDING_HEADINGS.has(heading),
  };
  for (const qualifier of qualifiers) {
    const laterality = asLaterality(qualifier);
    const severity = asSeverity(qualifier);
    if (laterality !== undefined) parsed.laterality = mergeLaterality(parsed.laterality, laterality);
    else if (severity !== undefined) parsed.severity ??= severity;
    else if (LOCATIONS.has(qualifier)) parsed.location.push(qualifier);
    else parsed.descriptors.push(qualifier);
  }
  return parsed;
}

/**
 * A dataset label (`Effusion`, `No Finding`) as an annotation; a box adds where it is. In a frontal radiograph the
 * patient's right is on the image's left, so a box left of centre means `right`; its centre's third of the image
 * height gives the upper, middle or lower zone.
 */
export function parseFinding(raw: string, box?: Box): ParsedAnnotation {
  const name = normaliseTerm(raw);
  const heading = NORMAL_FINDINGS.has(name) ? NORMAL : name;
  const parsed: ParsedAnnotation = {
    heading,
    topTerm: heading,
    location: [],
    descriptors: [],
    pieces: [heading],
    isFinding: true,
  };
  if (box !== undefined) {
    const width = box.frameWidth ?? 1024;
    const height = box.frameHeight ?? 1024;
    const centreX = (box.x + box.w / 2) / width;
    const centreY = (box.y + box.h / 2) / height;
    parsed.laterality = centreX < 0.5 ? 'right' : 'left';
    const zone = centreY < 1 / 3 ? 'upper zone' : centreY < 2 / 3 ? 'middle zone' : 'lower zone';
    parsed.location.push(zone);
    parsed.pieces.push(parsed.laterality, zone);
  }
  return parsed;
}

function mergeLaterality(current: Laterality | undefined, next: Laterality): Laterality {
  if (current === undefined || current === next) return next;
  return 'bilateral';
}
