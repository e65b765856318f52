import { describe, expect, it } from 'vitest';
import { OPENAPI } from '../../src/server/openapi.js';

type Responses = Record<string, { description: string; headers?: Record<string, unknown> }>;
const responses = (path: string, method: string) =>
  (OPENAPI.paths as unknown as Record<string, Record<string, { responses: Responses }>>)[path]?.[method]
    ?.responses as Responses;

/**
 * The OpenAPI document lists what the fault tests make the API answer (the fuzzer checks every answer it meets
 * against it; these are the statuses it cannot provoke): each status names its codes, and those asking for a
 * retry give their Retry-After.
 */
describe('the OpenAPI document lists every status the API answers', () => {
  it('every route: 400, 414 and 431 (any request), 500', () => {
    for (const [path, methods] of Object.entries(OPENAPI.paths)) {
      for (const method of Object.keys(methods)) {
        const answers = responses(path, method);
        expect(Object.keys(answers), `${method} ${path}`).toEqual(expect.arrayContaining(['400', '414', '431', '500']));
        expect(answers['414']?.description).toContain('URL_TOO_LONG:');
        expect(answers['431']?.description).toContain('HEADERS_TOO_LARGE:');
      }
    }
  });

  it('writes: 409 INDEX_BUSY with Retry-After, INDEX_READONLY, 507 DISK_FULL, 401 and 403', () => {
    for (const [path, method] of [
      ['/api/images', 'post'],
      ['/api/images/{id}', 'delete'],
    ] as const) {
      const answers = responses(path, method);
      expect(answers['409']?.description).toMatch(/INDEX_BUSY:.*INDEX_READONLY:/);
      expect(answers['409']?.headers).toHaveProperty('Retry-After');
      expect(answers['507']?.description).toContain('DISK_FULL:');
      expect(Object.keys(answers)).toEqual(expect.arrayContaining(['401', '403']));
    }
  });

  it('uploads: 413 (file, pixels), 415, 422 (corrupt, decode limit), 503 DECODE_BUSY with Retry-After', () => {
    for (const [path, method] of [
      ['/api/search/image', 'post'],
      ['/api/annotate', 'post'],
      ['/api/images', 'post'],
    ] as const) {
      const answers = responses(path, method);
      expect(answers['413']?.description).toMatch(/UPLOAD_TOO_LARGE:.*IMAGE_TOO_LARGE:/);
      expect(answers['415']?.description).toContain('IMAGE_UNSUPPORTED:');
      expect(answers['422']?.description).toMatch(/IMAGE_CORRUPT:.*IMAGE_DECODE_LIMIT:/);
      expect(answers['503']?.description).toContain('DECODE_BUSY:');
      expect(answers['503']?.headers).toHaveProperty('Retry-After');
    }
  });

  it('reads of the index: 500 INDEX_CORRUPT; a JSON body: 413 and 415', () => {
    expect(responses('/api/search', 'get')['500']?.description).toContain('INDEX_CORRUPT:');
    expect(responses('/api/search', 'post')['413']?.description).toContain('UPLOAD_TOO_LARGE:');
    expect(responses('/api/search', 'post')['415']?.description).toContain('REQUEST_UNSUPPORTED:');
  });
});
