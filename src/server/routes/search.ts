import { Router } from 'express';
import type { SearchEngine, SearchRequest } from '../../search/engine.js';
import { ImageSearchFields, SearchBody, SearchQuery } from '../schemas.js';
import { imageUpload, uploadedImage } from '../uploads.js';
import { asyncRoute } from './async-route.js';

/** Text, image and hybrid search: GET (query string), POST (JSON), POST /image (multipart upload). */
export function searchRoutes(engine: SearchEngine, uploadLimit: number): Router {
  const router = Router();
  router.get(
    '/search',
    asyncRoute(async (request, response) => {
      const { q, like, k, mode, embedding, ...filters } = SearchQuery.parse(request.query);
      response.json(
        await engine.search({ text: q, ...(like ? { image: { id: like } } : {}), filters, k, mode, embedding }),
      );
    }),
  );
  router.post(
    '/search',
    asyncRoute(async (request, response) => {
      const body = SearchBody.parse(request.body ?? {});
      const image: SearchRequest['image'] = body.like
        ? { id: body.like }
        : body.vector
          ? { vector: body.vector }
          : undefined;
      response.json(
        await engine.search({
          text: body.text,
          image,
          filters: body.filters,
          k: body.k,
          mode: body.mode,
          embedding: body.embedding,
        }),
      );
    }),
  );
  router.post(
    '/search/image',
    imageUpload(uploadLimit),
    asyncRoute(async (request, response) => {
      const fields = ImageSearchFields.parse(request.body ?? {});
      const { bytes } = uploadedImage(request, true);
      response.json(
        await engine.search({
          text: fields.q,
          image: { bytes },
          filters: fields.filters,
          k: fields.k,
          mode: fields.mode,
          embedding: fields.embedding,
        }),
      );
    }),
  );
  return router;
}
