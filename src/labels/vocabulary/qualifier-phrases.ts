/** How reports and queries say side, place and severity: each phrase with the qualifier it means. */
export const SIDE_PHRASES: Array<[RegExp, 'left' | 'right' | 'bilateral']> = [
  [/\b(?:bilateral(?:ly)?|both|bibasilar|bibasal|biapical|bilat)\b/, 'bilateral'],
  [/\bleft\b|\b(?:leftward|levo-?(?:convex|scolio\w*|curvature)|levo curvature)/, 'left'],
  [/\bright\b|\b(?:rightward|dextro-?(?:convex|scolio\w*|curvature)|dextro curvature)/, 'right'],
];
/**
 * Paired structures named in the plural, or said to be alike on both sides: a report's "atelectasis in the lung
 * bases", "scarring in the apices", "flattened diaphragms" or "symmetric" findings are both sides (`bilateral`);
 * a comparison of the sides ("greater on the right", "right greater than left") says both sides too (`compared`).
 */
export const BOTH_SIDES_PHRASES: Array<[RegExp, 'bilateral' | 'compared']> = [
  [
    /\b(?:bases|apices|(?:hemi)?diaphragms|(?:upper|middle|lower) lobes|hila|costophrenic (?:angles|sulci|recesses)|symmetric(?:al)?(?:ly)?)\b/,
    'bilateral',
  ],
  [
    /\b(?:(?:greater|worse|more|larger|more pronounced|most pronounced) on the (?:right|left)|(?:right|left) (?:greater|more|worse|larger) than (?:left|right))\b/,
    'compared',
  ],
];
/** A finding of the pleural space named in the plural, with no side, is on both sides: "small effusions". */
export const BOTH_SIDES_FINDINGS = /\b(?:effusions|pneumothora(?:ces|xes))\b/;
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
