import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';

// The package's public names. Adding one is a decision (update this list); removing one breaks users.
const PUBLIC = [
  'BACKEND_CHOICES',
  'Catalog',
  'CxrError',
  'ERROR_CODES',
  'FORMATS',
  'SearchEngine',
  'SearchIndex',
  'buildIndex',
  'createApp',
  'decodeGrey',
  'isCxrError',
  'loadBundle',
  'mineLabels',
  'parseMesh',
  'parseQuery',
  'resolveBackendRequest',
  'resolveFormat',
  'runImport',
  'saveBundle',
  'selectBackend',
  'trainCascade',
  'trainFromCatalog',
  'writeSampleDataset',
];

describe('the public entry (src/index.ts)', () => {
  it('exports exactly the public names, each a value a user can call or read', () => {
    expect(Object.keys(api).sort()).toEqual([...PUBLIC].sort());
    for (const value of Object.values(api)) expect(['function', 'object']).toContain(typeof value);
    expect(api.ERROR_CODES.INVALID_OPTION.status).toBe(400);
    expect(api.isCxrError(new api.CxrError('INVALID_OPTION', 'x'), 'INVALID_OPTION')).toBe(true);
  });
});
