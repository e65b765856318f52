import { ERROR_CODES, type ErrorCode } from '../errors.js';

const json = (schema: object) => ({ 'application/json': { schema } });
const error = { $ref: '#/components/schemas/Error' };
/**
 * Error answers by status, each naming the catalogue's codes it carries; a status that asks the client to retry
 * documents its Retry-After. Every /api route can also answer what any request can meet (COMMON).
 */
const COMMON: ErrorCode[] = ['REQUEST_INVALID', 'URL_TOO_LONG', 'HEADERS_TOO_LARGE', 'ROUTE_NOT_FOUND', 'INTERNAL'];
const RETRIED: ErrorCode[] = ['DECODE_BUSY', 'INDEX_BUSY'];
const errors = (...codes: ErrorCode[]) => {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of [...COMMON, ...codes]) {
    const status = ERROR_CODES[code].status;
    byStatus.set(status, [...new Set([...(byStatus.get(status) ?? []), code])]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, named]) => [
      String(status),
      {
        description: named.map((code) => `${code}: ${ERROR_CODES[code].summary}`).join(' | '),
        content: json(error),
        ...(named.some((code) => RETRIED.includes(code))
          ? {
              headers: {
                'Retry-After': { description: 'seconds to wait before retrying', schema: { type: 'integer' } },
              },
            }
          : {}),
      },
    ]),
  );
};
/** What an index read can meet: a damaged file, a read-only folder a WAL file needs. */
const READ: ErrorCode[] = ['INDEX_CORRUPT', 'INDEX_READONLY'];
/** A JSON body: too large (1 MB), an encoding or charset not read. */
const JSON_BODY: ErrorCode[] = ['UPLOAD_TOO_LARGE', 'REQUEST_UNSUPPORTED'];
/** An uploaded image, decoded in a child process behind a bounded queue, read by the index's bundle. */
const UPLOAD: ErrorCode[] = [
  'UPLOAD_TOO_LARGE',
  'IMAGE_TOO_LARGE',
  'IMAGE_UNSUPPORTED',
  'DICOM_COMPRESSED_UNSUPPORTED',
  'REQUEST_UNSUPPORTED',
  'IMAGE_CORRUPT',
  'IMAGE_DECODE_LIMIT',
  'DECODE_BUSY',
  'BUNDLE_CORRUPT',
  'BUNDLE_NOT_FOUND',
  'BACKEND_UNAVAILABLE',
];
/** A change to the index: the token, one writer at a time (waited for, then INDEX_BUSY), a full disk. */
const WRITE: ErrorCode[] = ['UNAUTHORIZED', 'FORBIDDEN', 'INDEX_BUSY', 'INDEX_READONLY', 'DISK_FULL'];
/** A stored image rendered: its entry, its file. */
const RENDER: ErrorCode[] = [
  'ENTRY_NOT_FOUND',
  'IMAGE_MISSING',
  'IMAGE_CORRUPT',
  'IMAGE_UNSUPPORTED',
  'IMAGE_TOO_LARGE',
];
const SEARCH: ErrorCode[] = ['QUERY_INVALID', 'VECTOR_SIZE', 'ENTRY_NOT_FOUND', ...READ];
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
    // source: whose findings match — the cascade's, the dataset's stated ones, what its reports say, or any.
    schema: name === 'source' ? { type: 'string', enum: ['any', 'generated', 'truth', 'report'] } : { type: 'string' },
  }),
);
const id = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[\\w.:-]+$' } };
const searchResponse = {
  description: 'hits with why they matched, the parse, the plan and timings',
  content: json({ $ref: '#/components/schemas/SearchResponse' }),
};

const probability = { type: 'number', minimum: 0, maximum: 1 };
const strings = { type: 'array', items: { type: 'string' } };

/** Findings, readings and hits: where the per-finding (calibrated) probabilities appear. */
const FINDING_SCHEMAS = {
  Finding: {
    type: 'object',
    required: ['disease', 'locations'],
    properties: {
      disease: { type: 'string' },
      side: { type: 'string' },
      severity: { type: 'string' },
      locations: strings,
      probability: {
        ...probability,
        description:
          "generated findings of bundles with the per-finding head: the head's calibrated probability (absent for " +
          'the truth, for older bundles, and for a class finding the head does not have)',
      },
    },
  },
  Generated: {
    type: 'object',
    description: "the cascade's reading of an image",
    properties: {
      sequence: strings,
      disease: { type: 'string', description: "the class head's mined class" },
      side: { type: 'string' },
      severity: { type: 'string' },
      locations: strings,
      confidence: { ...probability, description: "the class head's probability of its class" },
      readingConfidence: { ...probability, description: 'class probability × the decoder word probabilities' },
      alternatives: { type: 'array', items: { type: 'object' } },
      findings: {
        type: 'array',
        description:
          "the class head's findings (with the head's probability when it has them), then the per-finding head's " +
          "others at or above 0.05, most probable first; at or above 0.5 (or a query's confidence:) they match queries",
        items: { $ref: '#/components/schemas/Finding' },
      },
    },
  },
  HitConfidence: {
    type: 'object',
    description:
      'the one confidence to show for a hit: the calibrated probability of the generated finding the query matched, ' +
      'else of the class finding; without the head, the reading confidence (calibrated false)',
    properties: { finding: { type: 'string' }, probability, calibrated: { type: 'boolean' } },
  },
  SearchHit: {
    type: 'object',
    properties: {
      rank: { type: 'integer' },
      imageId: { type: 'string' },
      dataset: { type: 'string' },
      view: { type: 'string' },
      split: { type: 'string' },
      generated: { $ref: '#/components/schemas/Generated' },
      truth: strings,
      fromReport: {
        ...strings,
        description: "what the report miner read in the study's report, when the dataset states no annotation",
      },
      confidence: { $ref: '#/components/schemas/HitConfidence' },
      score: { type: 'number' },
      why: {
        type: 'object',
        properties: {
          concepts: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                concept: { type: 'string' },
                sources: {
                  type: 'array',
                  description: "whose finding matched: the dataset's stated one, its report's, the cascade's",
                  items: { type: 'string', enum: ['truth', 'report', 'generated'] },
                },
                location: { type: 'boolean' },
                probability: { ...probability, description: 'the matched generated finding, when calibrated' },
              },
            },
          },
          words: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                word: { type: 'string' },
                fields: {
                  type: 'array',
                  description: 'report: what a report affirms; report_doubted: what it only hedges (ranked below)',
                  items: { type: 'string', enum: ['generated', 'truth', 'report', 'report_doubted'] },
                },
              },
            },
          },
          distance: { type: 'number' },
          textRank: { type: 'integer' },
          imageRank: { type: 'integer' },
          fusedScore: { type: 'number' },
        },
      },
    },
  },
  ImageRecord: {
    type: 'object',
    properties: {
      label: { type: 'integer' },
      imageId: { type: 'string' },
      dataset: { type: 'string' },
      studyId: { type: 'string' },
      view: { type: 'string' },
      split: { type: 'string' },
      generated: { $ref: '#/components/schemas/Generated' },
      truth: {
        type: 'object',
        properties: {
          annotations: strings,
          findings: { type: 'array', items: { $ref: '#/components/schemas/Finding' } },
        },
      },
      fromReport: {
        type: 'object',
        description: "what the report miner read in the study's report (source report), when it states no annotation",
        properties: {
          annotations: strings,
          findings: { type: 'array', items: { $ref: '#/components/schemas/Finding' } },
        },
      },
      report: { type: 'string' },
      origin: {
        type: 'string',
        enum: ['build', 'added'],
        description: 'added: added after the build (cxr add, POST /api/images); a rebuild annotates it again',
      },
      addedAt: { type: 'string' },
      neighbours: { type: 'array', items: { $ref: '#/components/schemas/SearchHit' } },
    },
  },
  Annotation: {
    type: 'object',
    description: "an image's reading (an upload's); findings is the per-finding head, [] for older bundles",
    properties: {
      sequence: strings,
      disease: { type: 'string' },
      confidence: probability,
      readingConfidence: probability,
      findings: {
        type: 'array',
        items: { type: 'object', properties: { finding: { type: 'string' }, probability } },
      },
    },
  },
};

/** The HTTP API, described for other programs (served at /api/openapi.json). */
export const OPENAPI = {
  openapi: '3.0.3',
  info: { title: 'cxr-search', version: '0.1.0', description: 'Semantic search over chest X-ray collections.' },
  paths: {
    '/api/health': {
      get: {
        summary: 'Index status',
        responses: { 200: { description: 'ok', content: json({ type: 'object' }) }, ...errors(...READ) },
      },
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
        responses: { 200: searchResponse, ...errors(...SEARCH) },
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
        responses: { 200: searchResponse, ...errors(...SEARCH, ...JSON_BODY) },
      },
    },
    '/api/search/image': {
      post: {
        summary: 'Search by an uploaded image, optionally with text (q) and filters (a JSON object string)',
        requestBody: { content: image },
        responses: { 200: searchResponse, ...errors(...SEARCH, ...UPLOAD) },
      },
    },
    '/api/annotate': {
      post: {
        summary: "The cascade's reading of an uploaded image",
        requestBody: { content: image },
        responses: {
          200: { description: 'annotation', content: json({ $ref: '#/components/schemas/Annotation' }) },
          ...errors(...UPLOAD, ...READ),
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
          ...errors(...WRITE, ...UPLOAD, ...READ),
        },
      },
    },
    '/api/images/{id}': {
      get: {
        summary: "An image's record and neighbours",
        parameters: [id],
        responses: {
          200: { description: 'record', content: json({ $ref: '#/components/schemas/ImageRecord' }) },
          ...errors('ENTRY_NOT_FOUND', ...READ),
        },
      },
      delete: {
        summary: 'Remove an image (bearer token)',
        security: [{ bearer: [] }],
        parameters: [id],
        responses: {
          200: { description: 'removed', content: json({ type: 'object' }) },
          ...errors(...WRITE, 'ENTRY_NOT_FOUND', ...READ),
        },
      },
    },
    '/api/images/{id}/thumbnail': {
      get: {
        summary: 'PNG, at most 256 px',
        parameters: [id],
        responses: {
          200: { description: 'PNG', content: { 'image/png': {} } },
          ...errors('IMAGE_OUTSIDE_DATASET', ...RENDER, ...READ),
        },
      },
    },
    '/api/images/{id}/full': {
      get: {
        summary: 'PNG, at most 2048 px',
        parameters: [id],
        responses: {
          200: { description: 'PNG', content: { 'image/png': {} } },
          ...errors('IMAGE_OUTSIDE_DATASET', ...RENDER, ...READ),
        },
      },
    },
    '/api/vocabulary': {
      get: {
        summary: 'Diseases, sides, severities, locations, abbreviations, fields',
        responses: { 200: { description: 'vocabulary', content: json({ type: 'object' }) }, ...errors(...READ) },
      },
    },
    '/api/facets': {
      get: {
        summary: 'Counts per facet over what a query matches',
        parameters: [{ name: 'q', in: 'query', schema: { type: 'string' } }, ...filters],
        responses: {
          200: { description: 'facets', content: json({ type: 'object' }) },
          ...errors('QUERY_INVALID', ...READ),
        },
      },
    },
    '/api/openapi.json': {
      get: {
        summary: 'This document',
        responses: { 200: { description: 'OpenAPI 3', content: json({ type: 'object' }) }, ...errors() },
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
          queryAnnotation: { $ref: '#/components/schemas/Annotation' },
          hits: { type: 'array', items: { $ref: '#/components/schemas/SearchHit' } },
        },
      },
      ...FINDING_SCHEMAS,
    },
  },
} as const;
