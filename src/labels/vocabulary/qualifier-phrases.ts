/** How reports and queries say side, place and severity: each phrase with the qualifier it means. */
export const SIDE_PHRASES: Array<[RegExp, 'left' | 'right' | 'bilateral']> = [
  [/\b(?:bilateral(?:ly)?|both|bibasilar|bibasal|biapical|bilat)\b/, 'bilateral'],
  [/\bleft\b|\b(?:leftward|levo-?(?:convex|scolio\w*|curvature)|levo curvature)/, 'left'],
  [/\bright\b|\b(?:rightward|dextro-?(?:convex|scolio\w*|curvature)|dextro curvature)/, 'right'],
];
export const LOCATION_PHRASES: Array<[RegExp, string]> = [
  [/\bupper lobes?\b/, 'upper lobe'],
  [/\bmiddle lobe\b|\brml\b/, 'middle lobe'],
  [/\blower lobes?\b|\brll\b|\blll\b/, 'lower lobe'],
  [/\blingula/, 'lingula'],
  [/\b(?:bases?|basilar|basal|bibasilar|bibasal)\b/, 'base'],
  [/\b(?:apex|apices|apical|biapical)\b/, 'apex'],
  [/\b(?:hilum|hila|hilar|perihilar)\b/, 'hilum'],
  [/\bretrocardiac\b/, 'retrocardiac'],
];
export const SEVERITY_PHRASES: Array<[RegExp, string]> = [
  [/\b(?:borderline|upper limits of normal)\b/, 'borderline'],
  [/\b(?:mild(?:ly)?|minimal|slight(?:ly)?|minor|trace)\b/, 'mild'],
  [/\b(?:small|tiny)\b/, 'small'],
  [/\bmoderate(?:ly)?\b/, 'moderate'],
  [/\b(?:large|extensive)\b/, 'large'],
  [/\b(?:severe(?:ly)?|marked(?:ly)?|massive)\b/, 'severe'],
];
