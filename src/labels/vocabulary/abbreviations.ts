/**
 * Shorthand for sides, sizes and lobes that radiologists type, expanded before a text is read. Abbreviations of
 * findings and devices (PTX, CHF, ETT, PICC, COPD) are terms of their concepts in concepts.ts.
 */
export const QUALIFIER_ABBREVIATIONS: Record<string, string> = {
  lll: 'left lower lobe',
  rll: 'right lower lobe',
  lul: 'left upper lobe',
  rul: 'right upper lobe',
  rml: 'right middle lobe',
  bilat: 'bilateral',
  bil: 'bilateral',
  lt: 'left',
  rt: 'right',
  l: 'left',
  r: 'right',
  sm: 'small',
  mod: 'moderate',
  lg: 'large',
  nml: 'normal',
};

/** Shorthand written with a slash, read before punctuation is dropped. */
export const SLASHED_ABBREVIATIONS: Array<[RegExp, string]> = [
  [/\bb\/l\b/g, 'bilateral'],
  [/\br\/o\b/g, 'rule out'],
  [/\bs\/p\b/g, 'status post'],
  [/\bw\/o\b/g, 'without'],
  [/\bw\//g, 'with '],
];
