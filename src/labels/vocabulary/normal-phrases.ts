/**
 * How radiologists say a film is normal, and how they say one organ is: read before negation, so "no acute
 * cardiopulmonary process" means `normal` rather than "not acute", and "normal heart size" means no cardiomegaly.
 * Patterns run on lower-case text with single spaces.
 */
export const NORMAL_PHRASES: RegExp[] = [
  /\bno (?:acute |active |significant )*(?:cardiopulmonary |intrathoracic |chest |radiographic |pulmonary |thoracic )*(?:process|processes|abnormality|abnormalities|disease|findings?|pathology)\b/g,
  /\bno (?:acute |radiographic )?findings?\b/g,
  /\bno abnormalit(?:y|ies)(?: detected| seen)?\b/g,
  /\bnothing abnormal detected\b/g,
  /\bwithin normal limits\b/g,
  /\b(?:wnl|nad)\b/g,
  /\b(?:lungs? (?:are |is )?clear|clear lungs?)\b/g,
  /\b(?:negative|normal|unremarkable) (?:chest|study|exam|examination|radiograph|film|cxr|x ray|xray)\b/g,
  /\b(?:chest|study|exam|examination|radiograph|film) (?:is )?(?:normal|unremarkable|negative)\b/g,
  /\bunremarkable\b/g,
];

/** Normal statements about one organ: the finding they deny. */
export const ORGAN_NORMAL_PHRASES: Array<[RegExp, string]> = [
  [
    /\b(?:normal (?:heart size|cardiac size|cardiac silhouette|heart)|heart size (?:is )?(?:normal|within normal limits))\b/g,
    'no cardiomegaly',
  ],
  [
    /\b(?:normal mediastinum|mediastinum (?:is )?normal|normal mediastinal contours?)\b/g,
    'no enlarged cardiomediastinum',
  ],
];

/** The text with every normal phrasing replaced by `normal` (or by the finding it denies). */
export function readNormalPhrases(text: string): string {
  let read = text;
  for (const [pattern, meaning] of ORGAN_NORMAL_PHRASES) read = read.replace(pattern, meaning);
  for (const pattern of NORMAL_PHRASES) read = read.replace(pattern, 'normal');
  return read;
}
