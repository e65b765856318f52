import { ERROR_CODES } from '../errors.js';

const json = (schema: object) => ({ 'application/json': { schema } });
const error = { $ref: '#/components/schemas/Error' };
const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((status) => [String(status), { description: 'error', content: json(error) }]));
const image = {
  'multipart/form-data': {
    schema: {
      type: 'object',
      required: ['image'],
      properties: { image: { type: 'string', format: 'binary', description: 'PNG, JPEG or DICOM; 20 MB by default' } },
    },
  },
};
const filters = ['disease', 'side', 'severity', 'location', 'view', 'split', 'dataset', 'source', 'confidence'].map(
  (name) => ({
    name,
    in: 'query',
    required: false,
    schema: { type: 'string' },
  }),
);
const id = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[\\w.:-]+$' } };
const searchResponse = {
  description: 'hits with why they matched, the parse, the plan and timings',
  content: json({ $ref: '#/components/schemas/SearchResponse' }),
};

/** The HTTP API, described for other programs (served at /api/openapi.json). */
export const OPENAPI = {
  openapi: '3.0.3',
  info: { title: 'cxr-search', version: '0.1.0', description: 'Semantic search over chest X-ray collections.' },
  paths: {
    '/api/health': {
      get: { summary: 'Index status', responses: { 200: { description: 'ok', content: json({ type: 'object' }) } } },
    },
    '/api/search': {
      get: {
        summary: 'Search by text and filters, or by an indexed image (like)',
        parameters: [
          { name: 'q', in: 'query', schema: { type: 'string', maxLength: 1000 } },
          { name: 'like', in: 'query', schema: { type: 'string' } },
          { name: 'k', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 20 } },
          { name: 'mode', in: 'query', schema: { type: 'string', enum: ['fuse', 'filter'] } },
          { name: 'embedding', in: 'query', schema: { type: 'string', enum: ['first', 'final'] } },
          ...filters,
        ],
        responses: { 200: searchResponse, ...errors(400, 404) },
      },
      post: {
        summary: 'Search with a JSON body: text, filters, like or a raw embedding vector',
        requestBody: {
          content: json({
            type: 'object',
            properties: {
              text: { type: 'string' },
              like: { type: 'string' },
              vector: { type: 'array', items: { type: 'number' } },
              filters: { type: 'object' },
              k: { type: 'integer' },
              mode: { type: 'string' },
              embedding: { type: 'string' },
            },
          }),
        },
        responses: { 200: searchResponse, ...errors(400, 404) },
      },
    },
    '/api/search/image': {
      post: {
        summary: 'Search by an uploaded image, optionally with text (q) and filters (a JSON object string)',
        requestBody: { content: image },
        responses: { 200: searchResponse, ...errors(400, 413, 415, 422) },
      },
    },
    '/api/annotate': {
      post: {
        summary: "The cascade's reading of an uploaded image",
        requestBody: { content: image },
        responses: {
          200: { description: 'annotation', content: json({ type: 'object' }) },
          ...errors(400, 413, 415, 422),
        },
      },
    },
    '/api/images': {
      post: {
        summary: 'Add an image (bearer token)',
        security: [{ bearer: [] }],
        requestBody: {
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                required: ['image', 'id'],
                properties: {
                  image: { type: 'string', format: 'binary' },
                  id: { type: 'string' },
                  dataset: { type: 'string' },
                  view: { type: 'string' },
                },
              },
            },
          },
        },
        responses: {
          201: { description: 'added', content: json({ type: 'object' }) },
          ...errors(400, 401, 403, 413, 415, 422),
        },
      },
    },
    '/api/images/{id}': {
      get: {
        summary: "An image's record and neighbours",
        parameters: [id],
        responses: { 200: { description: 'record', content: json({ type: 'object' }) }, ...errors(400, 404) },
      },
      delete: {
        summary: 'Remove an image (bearer token)',
        security: [{ bearer: [] }],
        parameters: [id],
        responses: { 200: { description: 'removed', content: json({ type: 'object' }) }, ...errors(401, 403, 404) },
      },
    },
    '/api/images/{id}/thumbnail': {
      get: {
        summary: 'PNG, at most 256 px',
        parameters: [id],
        responses: { 200: { description: 'PNG', content: { 'image/png': {} } }, ...errors(404) },
      },
    },
    '/api/images/{id}/full': {
      get: {
        summary: 'PNG, at most 2048 px',
        parameters: [id],
        responses: { 200: { description: 'PNG', content: { 'image/png': {} } }, ...errors(404) },
      },
    },
    '/api/vocabulary': {
      get: {
        summary: 'Diseases, sides, severities, locations, abbreviations, fields',
        responses: { 200: { description: 'vocabulary', content: json({ type: 'object' }) } },
      },
    },
    '/api/facets': {
      get: {
        summary: 'Counts per facet over what a query matches',
        parameters: [{ name: 'q', in: 'query', schema: { type: 'string' } }, ...filters],
        responses: { 200: { description: 'facets', content: json({ type: 'object' }) }, ...errors(400) },
      },
    },
    '/api/openapi.json': {
      get: {
        summary: 'This document',
        responses: { 200: { description: 'OpenAPI 3', content: json({ type: 'object' }) } },
      },
    },
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    schemas: {
      Error: {
        type: 'object',
        properties: {
          error: {
            type: 'object',
            properties: {
              code: { type: 'string', enum: Object.keys(ERROR_CODES) },
              message: { type: 'string' },
              details: { type: 'object' },
            },
          },
        },
      },
      SearchResponse: {
        type: 'object',
        properties: {
          parse: { type: 'object' },
          plan: { type: 'object' },
          timings: { type: 'object' },
          queryAnnotation: { type: 'object' },
          hits: { type: 'array', items: { type: 'object' } },
        },
      },
    },
  },
} as const;
