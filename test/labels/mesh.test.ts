import { describe, expect, it } from 'vitest';
import { parseFinding, parseMesh } from '../../src/labels/mesh.js';
import { annotationWords } from '../../src/labels/sequences.js';

describe('parseMesh', () => {
  it('takes a string apart into heading, location, laterality, severity and descriptors', () => {
    expect(parseMesh('Pulmonary Atelectasis/base/left/mild')).toMatchObject({
      heading: 'pulmonary atelectasis',
      topTerm: 'pulmonary atelectasis',
      location: ['base'],
      laterality: 'left',
      severity: 'mild',
      descriptors: [],
    });
    expect(parseMesh('Calcified Granuloma/lung/upper lobe/right')).toMatchObject({
      location: ['lung', 'upper lobe'],
      laterality: 'right',
    });
    expect(parseMesh('Opacity/lung/base/left/right/patchy')).toMatchObject({
      laterality: 'bilateral',
      descriptors: ['patchy'],
    });
  });

  it('keeps an anatomy heading’s first qualifier in the top term, as the paper does', () => {
    expect(parseMesh('Lung/hypoinflation/mild').topTerm).toBe('lung/hypoinflation');
    expect(parseMesh('Thoracic Vertebrae/degenerative/mild').topTerm).toBe('thoracic vertebrae/degenerative');
    expect(parseMesh('Spine/degenerative').topTerm).toBe('spine/degenerative');
    expect(parseMesh('Cardiomegaly/mild').topTerm).toBe('cardiomegaly');
  });

  it('tolerates stray spaces and marks non-findings', () => {
    expect(parseMesh('Technical Quality of Image Unsatisfactory ')).toMatchObject({
      heading: 'technical quality of image unsatisfactory',
      isFinding: false,
    });
    expect(parseMesh('No Indexing').isFinding).toBe(false);
    expect(parseMesh('normal')).toMatchObject({ heading: 'normal', isFinding: true });
  });

  it('becomes an RNN word sequence: multi-word terms joined, at most 5 words', () => {
    expect(annotationWords(parseMesh('Calcified Granuloma/lung/upper lobe/right'))).toEqual([
      'calcified_granuloma',
      'lung',
      'upper_lobe',
      'right',
    ]);
    expect(annotationWords(parseMesh('Catheters, Indwelling/right'))).toEqual(['catheters_indwelling', 'right']);
    expect(annotationWords(parseMesh('Opacity/lung/base/left/mild/patchy/streaky'))).toHaveLength(5);
  });
});

describe('parseFinding', () => {
  it('maps No Finding to normal and a box to side and zone (image left = patient right)', () => {
    expect(parseFinding('No Finding').heading).toBe('normal');
    const box = parseFinding('Nodule', { x: 100, y: 50, w: 60, h: 60, frameWidth: 1024, frameHeight: 1024 });
    expect(box).toMatchObject({ heading: 'nodule', laterality: 'right', location: ['upper zone'] });
    expect(annotationWords(box)).toEqual(['nodule', 'right', 'upper_zone']);
  });
});
