import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectProfile, mergeOptions, PROFILE_DEFAULTS } from '../../src/cascade/training-profile.js';
import { Catalog } from '../../src/store/catalog.js';
import { tempDir, writeText } from '../helpers/fixtures.js';

describe('training profiles', () => {
  it('the sample profile for catalogs imported only from cxr sample folders, radiographs otherwise', () => {
    const root = tempDir();
    const catalog = Catalog.open(join(root, 'catalog.sqlite'));
    try {
      expect(detectProfile(catalog).profile).toBe('radiographs');
      writeText(join(root, 'sample', 'ground-truth.jsonl'), '{}\n');
      catalog.beginImport('openi', 'sample', join(root, 'sample', 'reports'), {});
      expect(detectProfile(catalog)).toMatchObject({ profile: 'sample' });
      catalog.beginImport('chestxray14', 'nih', join(root, 'nih', 'Data_Entry_2017_v2020.csv'), {});
      expect(detectProfile(catalog)).toMatchObject({ profile: 'radiographs' });
      expect(detectProfile(catalog, 'sample').profile).toBe('sample');
      expect(detectProfile(catalog, 'nih').profile).toBe('radiographs');
    } finally {
      catalog.close();
    }
  });

  it('flags given override the profile key by key; absent ones keep its defaults', () => {
    const merged = mergeOptions(PROFILE_DEFAULTS.radiographs.options, {
      cnn: { width: 0.5, inputSize: undefined },
      iterations: 0,
    });
    expect(merged.cnn?.width).toBe(0.5);
    expect(merged.cnn?.inputSize).toBe(PROFILE_DEFAULTS.radiographs.options.cnn?.inputSize);
    expect(merged.cnn?.architecture).toBe(PROFILE_DEFAULTS.radiographs.options.cnn?.architecture);
    expect(merged.iterations).toBe(0);
    expect(PROFILE_DEFAULTS.radiographs.options.cnn?.width).not.toBe(0.5); // the defaults are not changed
  });
});
