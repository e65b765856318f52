// Findings in the words a radiologist writes them ("Small left pleural effusion"), from the index's structured
// fields, never from the cascade's token sequence. Plain functions: the page runs them, and test/server tests import them.

/** A probability as a reader writes it: "82 %" (a no-break space, so the sign never wraps alone). */
export const percent = (p) => `${Math.round(p * 100)}\u00a0%`;

/** What the page knows of the vocabulary before /api/vocabulary answers (the same lists as src/labels/vocabulary). */
export const DEFAULT_VOCABULARY = {
  sides: ['left', 'right', 'bilateral'],
  severities: ['borderline', 'minimal', 'mild', 'small', 'moderate', 'large', 'severe'],
  locations: [],
};

/**
 * A finding's name as read: a MeSH inverted heading the right way round ("catheters, indwelling" → "indwelling
 * catheters"), a MeSH subheading after a colon ("thoracic vertebrae/degenerative" → "thoracic vertebrae: degenerative").
 */
export function diseaseWords(disease) {
  const [heading, ...subheadings] = disease.split('/');
  const parts = heading.split(', ');
  const named = parts.length === 2 ? `${parts[1]} ${parts[0]}` : heading;
  return subheadings.length > 0 ? `${named}: ${subheadings.join(', ')}` : named;
}

/** The first letter up: a finding opens a line as a sentence does. */
export const sentence = (text) => (text ? text[0].toUpperCase() + text.slice(1) : text);

/**
 * One finding as a phrase: severity and side before the disease ("small left pleural effusion"); where it is, after
 * it ("opacity in the left lung base"), since "left lung base opacity" reads as a token list. `normal` stays itself.
 */
export function findingPhrase({ disease, side, severity, locations = [], qualifiers = [] }) {
  if (disease === 'normal') return 'normal';
  const named = qualifiers.length > 0 ? `${diseaseWords(disease)}: ${qualifiers.join(', ')}` : diseaseWords(disease);
  if (locations.length === 0) return [severity, side, named].filter(Boolean).join(' ');
  // MeSH writes `lung/base`: the lung is what the other places are part of ("left lung base"); a lobe says it alone.
  const places =
    locations.includes('lung') && locations.length > 1
      ? locations.filter((l) => l !== 'lung').map((l) => (/lobe|lingula/.test(l) ? l : `lung ${l}`))
      : locations;
  const where = places.join(' and ');
  const place = side === 'bilateral' ? `the ${where} on both sides` : `the ${[side, where].filter(Boolean).join(' ')}`;
  return `${[severity, named].filter(Boolean).join(' ')} in ${place}`;
}

/** The cascade's reading (`generated` of a hit or record, or an upload's annotation) as one sentence. */
export function readingPhrase(reading) {
  const [first, ...others] = reading.disease.split(' + ');
  const main = findingPhrase({ ...reading, disease: first, locations: reading.locations ?? [] });
  return sentence([main, ...others].join(' and '));
}

/**
 * A collection's annotation string (MeSH style, `Pleural Effusion/left/small`; or a plain label) as a phrase: its
 * qualifiers sorted into side, severity and place by the vocabulary; the others after the disease, as MeSH writes them.
 */
export function annotationPhrase(annotation, vocabulary = DEFAULT_VOCABULARY) {
  const [disease = '', ...qualifiers] = annotation.split('/').map((part) => part.trim().toLowerCase());
  const sides = new Set(vocabulary.sides);
  const severities = new Set(vocabulary.severities);
  const locations = new Set(vocabulary.locations);
  const finding = { disease, locations: [], qualifiers: [] };
  for (const q of qualifiers.filter(Boolean)) {
    if (sides.has(q) && finding.side === undefined) finding.side = q;
    else if (severities.has(q) && finding.severity === undefined) finding.severity = q;
    else if (locations.has(q)) finding.locations.push(q);
    else finding.qualifiers.push(q);
  }
  return findingPhrase(finding);
}

/** Where a finding comes from, as the page says it (DESIGN.md: three sources, kept apart everywhere). */
export const SOURCE_WORDS = {
  truth: "in the collection's labels",
  report: 'in the report',
  generated: 'read by the model',
};

/** The model's reading with its one figure: "read by the model (82 %)". */
export const readByModel = (probability) => `read by the model (${percent(probability)})`;

/** Collections by the names their users know them; an unknown one by its own name. */
const COLLECTIONS = {
  openi: 'Open-i (Indiana University)',
  nih: 'NIH ChestX-ray14',
  chexpert: 'CheXpert',
  mimic: 'MIMIC-CXR',
  sample: 'Synthetic sample',
  uploads: 'Uploaded images',
};
export const collectionName = (dataset) => COLLECTIONS[dataset] ?? dataset;

/** Facet names as a reader says them. */
export const FACET_NAMES = {
  disease: 'Finding',
  side: 'Side',
  location: 'Location',
  severity: 'Severity',
  view: 'View',
  dataset: 'Collection',
  split: 'Split (training / test)',
  source: 'Source',
  confidence: 'Confidence at least',
};

/** A facet value as shown: a collection by its name, a finding as a sentence starts. */
export const facetValue = (name, value) =>
  name === 'dataset' ? collectionName(value) : sentence(name === 'disease' ? diseaseWords(value) : value);

/** A parsed query concept as the status line says what was understood ("no pleural effusion in the left base"). */
export function conceptPhrase(concept) {
  const locations = concept.locations ?? [];
  // A side without a disease (side:left) is a "left-sided finding"; with a place it is said by the place.
  const sided =
    concept.disease === undefined && locations.length === 0 && concept.side && concept.side !== 'bilateral'
      ? `${concept.side}-sided`
      : concept.side;
  const phrase = findingPhrase({
    disease: concept.disease ?? 'finding',
    side: sided,
    severity: concept.severity,
    locations,
  });
  return concept.negated ? `no ${phrase}` : phrase;
}
