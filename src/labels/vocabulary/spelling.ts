/**
 * Spelling that varies between writers and is not a typo: British forms, and how plurals of radiology words are
 * made. Every term and every query word goes through `usSpelling`, so "oedema" and "edema" are one word.
 */

/** British → US, by word beginning or whole word: haem-, oesoph-, oedem-, -our words of medicine. */
const BRITISH: Array<[RegExp, string]> = [
  [/^haem/, 'hem'],
  [/^(\w*)haem/, '$1hem'], // pneumohaemothorax, hydrohaemothorax
  [/^oesoph/, 'esoph'],
  [/^oedem/, 'edem'],
  [/^(tum|col)our(s?)$/, '$1or$2'],
  [/^centre(s?)$/, 'center$1'],
  [/^(\w+)isation(s?)$/, '$1ization$2'], // opacification is the same; demineralisation → demineralization
  [/^anaem/, 'anem'],
  [/^(\w*)aemia$/, '$1emia'],
  [/^ischaem/, 'ischem'],
  [/^foetal/, 'fetal'],
];

export function usSpelling(word: string): string {
  for (const [pattern, replacement] of BRITISH) {
    if (pattern.test(word)) return word.replace(pattern, replacement);
  }
  return word;
}

/** The plural forms a radiology noun can take: effusions, opacities, atelectases, pneumothoraces, bullae, granulomata. */
export function pluralsOf(word: string): string[] {
  const forms = [`${word}s`, `${word}es`];
  if (/[^aeiou]y$/.test(word)) forms.push(`${word.slice(0, -1)}ies`);
  if (word.endsWith('is')) forms.push(`${word.slice(0, -2)}es`);
  if (word.endsWith('ax')) forms.push(`${word.slice(0, -2)}aces`);
  if (word.endsWith('a')) forms.push(`${word}e`, `${word}ta`);
  if (word.endsWith('um')) forms.push(`${word.slice(0, -2)}a`);
  if (word.endsWith('us')) forms.push(`${word.slice(0, -2)}i`);
  return forms;
}
