/**
 * The MeSH qualifier vocabulary of chest X-ray annotation (OpenI's usage), sorted into the roles label mining
 * needs. Keys are lower case; every lookup goes through `normaliseTerm`.
 */
export const LATERALITIES = ['left', 'right', 'bilateral'] as const;

/** Severity and size words, mildest first. */
export const SEVERITIES = ['borderline', 'minimal', 'mild', 'small', 'moderate', 'large', 'severe'] as const;

/** Qualifiers that say where: lung regions, then other anatomy. */
export const LOCATIONS = new Set([
  'lung',
  'base',
  'lower lobe',
  'middle lobe',
  'upper lobe',
  'lingula',
  'apex',
  'hilum',
  'retrocardiac',
  'paratracheal',
  'costophrenic angle',
  'cardiophrenic angle',
  'posterior',
  'anterior',
  'upper zone',
  'middle zone',
  'lower zone',
  'azygos lobe',
  'pleura',
  'pleural sinus',
  'pulmonary alveoli',
  'bronchi',
  'mediastinum',
  'thorax',
  'lymph nodes',
  'heart',
  'heart atria',
  'heart ventricles',
  'aortic valve',
  'mitral valve',
  'coronary vessels',
  'supracardiac',
  'aorta',
  'aorta, thoracic',
  'pulmonary artery',
  'blood vessels',
  'trachea',
  'trachea, carina',
  'esophagus',
  'diaphragm',
  'abdomen',
  'ribs',
  'sternum',
  'clavicle',
  'spine',
  'cervical vertebrae',
  'thoracic vertebrae',
  'lumbar vertebrae',
  'shoulder',
  'humerus',
  'neck',
  'breast',
  'breast implants',
  'sulcus',
]);

/**
 * Headings that name anatomy rather than a finding: their first qualifier is part of the top term
 * (`Lung/hypoinflation`, `Spine/degenerative`), as in the paper's label mining.
 */
export const ANATOMY_HEADINGS = new Set([
  'lung',
  'lungs',
  'thoracic vertebrae',
  'lumbar vertebrae',
  'cervical vertebrae',
  'spine',
  'aorta',
  'aorta, thoracic',
  'diaphragm',
  'costophrenic angle',
  'cardiac shadow',
  'mediastinum',
  'shoulder',
  'pulmonary artery',
  'heart',
  'trachea',
  'ribs',
  'clavicle',
  'sternum',
  'humerus',
  'bronchi',
  'pleura',
  'abdomen',
  'breast',
  'neck',
  'thorax',
  'lymph nodes',
  'hilum',
]);

/** Headings that say nothing about the image's content; they form no pattern. */
export const NON_FINDING_HEADINGS = new Set(['no indexing', 'technical quality of image unsatisfactory']);

export const NORMAL = 'normal';

/** Dataset finding labels that mean "no finding". */
export const NORMAL_FINDINGS = new Set(['no finding', 'normal']);

/** Lower case, single spaces, no trailing punctuation: "Technical Quality of Image Unsatisfactory " → "technical quality of image unsatisfactory". */
export function normaliseTerm(term: string): string {
  return term.trim().replace(/\s+/g, ' ').toLowerCase();
}

export type Laterality = (typeof LATERALITIES)[number];
export type Severity = (typeof SEVERITIES)[number];

export function asLaterality(term: string): Laterality | undefined {
  return (LATERALITIES as readonly string[]).includes(term) ? (term as Laterality) : undefined;
}

export function asSeverity(term: string): Severity | undefined {
  return (SEVERITIES as readonly string[]).includes(term) ? (term as Severity) : undefined;
}
