import { describe, expect, it } from 'vitest';

interface Wording {
  readingPhrase(reading: unknown): string;
  annotationPhrase(annotation: string, vocabulary?: unknown): string;
  conceptPhrase(concept: unknown): string;
  diseaseWords(disease: string): string;
  readByModel(probability: number): string;
  collectionName(dataset: string): string;
}
interface UrlState {
  stateFromUrl(search: string): {
    q: string;
    filters: Record<string, string>;
    like: string | null;
    open: string | null;
  };
  urlOf(state: { q: string; filters: Record<string, string>; like: string | null; open: string | null }): string;
}

/** The page's own modules (plain JavaScript, also what the browser runs). */
const wording = async () => (await import(new URL('../../web/wording.js', import.meta.url).href)) as Wording;
const urlState = async () => (await import(new URL('../../web/url-state.js', import.meta.url).href)) as UrlState;

describe('the page writes findings as a radiologist does', () => {
  it('a reading from its structured fields, never its token sequence', async () => {
    const { readingPhrase, readByModel } = await wording();
    const reading = { sequence: ['pleural_effusion', 'left', 'small'], disease: 'pleural effusion', side: 'left' };
    expect(readingPhrase({ ...reading, severity: 'small', locations: [] })).toBe('Small left pleural effusion');
    expect(readingPhrase({ disease: 'opacity', side: 'left', locations: ['lung', 'base'], severity: 'mild' })).toBe(
      'Mild opacity in the left lung base',
    );
    expect(readingPhrase({ disease: 'pleural effusion', side: 'bilateral', locations: ['base'] })).toBe(
      'Pleural effusion in the base on both sides',
    );
    expect(readingPhrase({ disease: 'normal', locations: [] })).toBe('Normal');
    expect(readingPhrase({ disease: 'cardiomegaly + pleural effusion', locations: [] })).toBe(
      'Cardiomegaly and pleural effusion',
    );
    expect(readByModel(0.823)).toBe('read by the model (82\u00a0%)');
  });

  it("a collection's MeSH annotation: qualifiers sorted by the vocabulary, inverted headings turned round", async () => {
    const { annotationPhrase, diseaseWords } = await wording();
    const vocabulary = { sides: ['left', 'right'], severities: ['small', 'mild'], locations: ['lung', 'base'] };
    expect(annotationPhrase('Pleural Effusion/left/small', vocabulary)).toBe('small left pleural effusion');
    expect(annotationPhrase('Opacity/lung/base/left/mild', vocabulary)).toBe('mild opacity in the left lung base');
    expect(annotationPhrase('Lung/hypoinflation', vocabulary)).toBe('lung: hypoinflation');
    expect(diseaseWords('catheters, indwelling')).toBe('indwelling catheters');
    expect(diseaseWords('thoracic vertebrae/degenerative')).toBe('thoracic vertebrae: degenerative');
  });

  it('what a query was understood as, and collections by name', async () => {
    const { conceptPhrase, collectionName } = await wording();
    expect(conceptPhrase({ disease: 'pleural effusion', side: 'left', locations: ['lower lobe'] })).toBe(
      'pleural effusion in the left lower lobe',
    );
    expect(conceptPhrase({ disease: 'pneumothorax', negated: true, locations: [] })).toBe('no pneumothorax');
    expect(conceptPhrase({ side: 'left', locations: [] })).toBe('left-sided finding');
    expect(collectionName('nih')).toBe('NIH ChestX-ray14');
    expect(collectionName('my-own')).toBe('my-own');
  });
});

describe('the search in the URL', () => {
  it('round-trips query, filters, image-query id and opened image; unknown fields are ignored', async () => {
    const { stateFromUrl, urlOf } = await urlState();
    const state = {
      q: 'left lower lobe effusion',
      filters: { side: 'left', view: 'PA' },
      like: 'nih:1.png',
      open: 'nih:2.png',
    };
    const url = urlOf(state);
    expect(url).toBe('?q=left+lower+lobe+effusion&side=left&view=PA&like=nih%3A1.png&open=nih%3A2.png');
    expect(stateFromUrl(url)).toEqual(state);
    expect(stateFromUrl('?q=x&colour=red&split=')).toEqual({ q: 'x', filters: {}, like: null, open: null });
    expect(urlOf({ q: '', filters: {}, like: null, open: null })).toBe('');
  });
});
