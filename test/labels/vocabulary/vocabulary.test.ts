import { describe, expect, it } from 'vitest';
import { CONCEPTS } from '../../../src/labels/vocabulary/concepts.js';
import { FINDING_RULES } from '../../../src/labels/vocabulary/finding-rules.js';
import { LEXICON, termKey } from '../../../src/labels/vocabulary/lexicon.js';
import { usSpelling } from '../../../src/labels/vocabulary/spelling.js';
import { correctWord } from '../../../src/labels/vocabulary/typos.js';

describe('the radiology vocabulary', () => {
  it('has a concept for every heading the report miner produces', () => {
    const headings = new Set(CONCEPTS.map((c) => c.heading?.toLowerCase()));
    const missing = FINDING_RULES.map((r) => r.mesh.toLowerCase()).filter((h) => !headings.has(h));
    expect(missing).toEqual([]);
  });

  it('covers the ChestX-ray14 and CheXpert observations by their dataset names', () => {
    const names = [
      ...['atelectasis', 'cardiomegaly', 'effusion', 'infiltration', 'mass', 'nodule', 'pneumonia', 'pneumothorax'],
      ...['consolidation', 'edema', 'emphysema', 'fibrosis', 'pleural_thickening', 'hernia', 'no finding'],
      ...['enlarged cardiomediastinum', 'lung opacity', 'lung lesion', 'pleural effusion', 'pleural other'],
      ...['fracture', 'support devices'],
    ];
    for (const name of names) expect(LEXICON.terms.has(termKey(name)), name).toBe(true);
  });

  it('gives each term to one concept, and every related concept exists', () => {
    const owners = new Map<string, string>();
    for (const concept of CONCEPTS) {
      for (const term of [concept.name, ...(concept.datasetNames ?? []), ...(concept.terms ?? [])]) {
        const owner = owners.get(termKey(term));
        expect(owner === undefined || owner === concept.name, `${term}: ${owner} and ${concept.name}`).toBe(true);
        owners.set(termKey(term), concept.name);
      }
      for (const related of concept.related ?? []) expect(LEXICON.byName.has(related), related).toBe(true);
    }
  });

  it('reads British spellings and plurals as the same word', () => {
    expect(['oedema', 'haemothorax', 'oesophageal', 'tumour'].map(usSpelling)).toEqual([
      'edema',
      'hemothorax',
      'esophageal',
      'tumor',
    ]);
    for (const plural of ['effusions', 'opacities', 'pneumothoraces', 'bullae', 'atelectases']) {
      expect(LEXICON.words.has(plural), plural).toBe(true);
    }
  });

  it('corrects words of 5+ letters within one edit, 8+ within two, and never short words', () => {
    expect(correctWord('efusion', LEXICON.words)).toBe('effusion');
    expect(correctWord('nodlue', LEXICON.words)).toBe('nodule'); // a swap is one edit
    expect(correctWord('pnuemothorax', LEXICON.words)).toBe('pneumothorax');
    expect(correctWord('efusoin', LEXICON.words)).toBe('efusoin'); // two edits in a 7-letter word
    expect(correctWord('mas', LEXICON.words)).toBe('mas');
  });
});
