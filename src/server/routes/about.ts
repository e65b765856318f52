import { Router } from 'express';
import { LATERALITIES, LOCATIONS, SEVERITIES } from '../../labels/vocabulary/qualifiers.js';
import type { SearchEngine } from '../../search/engine.js';
import { ABBREVIATIONS } from '../../search/query-parser.js';
import { FacetsQuery } from '../schemas.js';

const EXAMPLES = [
  'left lower lobe effusion',
  'small right pneumothorax',
  'enlarged heart',
  'no effusion, cardiomegaly',
];

/** Health, the vocabulary the query parser knows (the page's suggestions) and facet counts. */
export function aboutRoutes(engine: SearchEngine): Router {
  const router = Router();
  router.get('/health', (_request, response) => {
    const store = engine.index.store;
    response.json({
      status: 'ok',
      images: store.count(),
      dimensions: engine.index.dimensions,
      bundle: store.meta('bundle_hash') ?? null,
      builtAt: store.meta('created_at') ?? null,
    });
  });
  router.get('/vocabulary', (_request, response) => {
    response.json({
      diseases: engine.vocabulary().diseases,
      sides: LATERALITIES,
      severities: SEVERITIES,
      locations: [...LOCATIONS],
      abbreviations: ABBREVIATIONS,
      fields: ['disease', 'side', 'severity', 'location', 'view', 'split', 'dataset', 'source', 'confidence'],
      examples: EXAMPLES,
    });
  });
  router.get('/facets', (request, response) => {
    const { q, ...filters } = FacetsQuery.parse(request.query);
    response.json(engine.facets(q, filters));
  });
  return router;
}
