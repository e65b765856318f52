import { z } from 'zod';
import { MAX_QUERY_LENGTH } from '../search/query-parser.js';

const text = z.string().max(MAX_QUERY_LENGTH);
const value = z.string().max(200);

const filterFields = {
  disease: value.optional(),
  location: value.optional(),
  side: value.optional(),
  severity: value.optional(),
  view: value.optional(),
  split: value.optional(),
  dataset: value.optional(),
  source: value.optional(),
  confidence: value.optional(),
};

/** Structured filters, as query-string fields (GET) or an object (POST); an unknown field is an error. */
export const Filters = z.object(filterFields).strict();

const common = {
  k: z.coerce.number().int().min(1).max(500).default(20),
  mode: z.enum(['fuse', 'filter']).default('fuse'),
  embedding: z.enum(['first', 'final']).default('final'),
};

/** An indexed image's id: what the client may name; never a path. */
export const ImageId = z
  .string()
  .min(1)
  .max(300)
  .regex(/^[\w.:-]+$/, 'an image id has letters, digits, "_", ".", ":" and "-" only');

/** GET /api/search: q, like, k, mode, embedding and the filter fields, all in the query string. */
export const SearchQuery = z
  .object({ q: text.default(''), like: ImageId.optional(), ...common, ...filterFields })
  .strict();

/** POST /api/search (JSON). */
export const SearchBody = z
  .object({
    text: text.default(''),
    like: ImageId.optional(),
    vector: z.array(z.number()).max(100_000).optional(),
    filters: Filters.default({}),
    ...common,
  })
  .strict();

/** POST /api/search/image (multipart): text fields beside the image; filters as a JSON object string. */
export const ImageSearchFields = z.object({
  q: text.default(''),
  filters: z
    .string()
    .max(10_000)
    .default('{}')
    .transform((raw, context) => {
      try {
        return Filters.parse(JSON.parse(raw));
      } catch {
        context.addIssue({ code: 'custom', message: 'filters must be a JSON object of known filter fields' });
        return z.NEVER;
      }
    }),
  ...common,
});

export const FacetsQuery = z.object({ q: text.default(''), ...filterFields }).strict();

export const AddFields = z.object({
  id: z.string().regex(/^[\w.-]{1,100}$/, 'an id has letters, digits, "_", "." and "-" only (at most 100)'),
  dataset: z
    .string()
    .regex(/^[\w.-]{1,50}$/)
    .default('uploads'),
  view: z
    .string()
    .regex(/^[A-Za-z]{1,12}$/)
    .optional(),
});
