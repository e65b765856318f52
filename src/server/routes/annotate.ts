import { Router } from 'express';
import type { SearchEngine } from '../../search/engine.js';
import { imageUpload, uploadedImage } from '../uploads.js';
import { asyncRoute } from './async-route.js';

/** The cascade's reading of an uploaded image, without searching (computer-assisted reading). */
export function annotateRoutes(engine: SearchEngine, uploadLimit: number): Router {
  const router = Router();
  router.post(
    '/annotate',
    imageUpload(uploadLimit),
    asyncRoute(async (request, response) => {
      const { bytes } = uploadedImage(request, true);
      const { embeddings: _, ...annotation } = await engine.annotate(bytes);
      response.json(annotation);
    }),
  );
  return router;
}
