import { Router } from 'express';
import type { SearchEngine } from '../../search/engine.js';
import type { ImageRenderer } from '../render-image.js';
import { ImageId } from '../schemas.js';
import { asyncRoute } from './async-route.js';

const THUMBNAIL_SIDE = 256;
const FULL_SIDE = 2048;

/** An image's record (generated annotation, ground truth, report, neighbours), its thumbnail and its full image. */
export function imageRoutes(engine: SearchEngine, renderer: ImageRenderer): Router {
  const router = Router();
  router.get(
    '/images/:id',
    asyncRoute(async (request, response) => {
      const id = ImageId.parse(request.params.id);
      const { file: _, ...entry } = engine.entry(id); // the file path stays on the server
      const neighbours = await engine.search({ image: { id }, k: 8 });
      response.json({ ...entry, neighbours: neighbours.hits });
    }),
  );
  for (const [suffix, side] of [
    ['thumbnail', THUMBNAIL_SIDE],
    ['full', FULL_SIDE],
  ] as const) {
    router.get(
      `/images/:id/${suffix}`,
      asyncRoute(async (request, response) => {
        const id = ImageId.parse(request.params.id);
        // the file and the folder its real path must stay within; not indexed: fileOf throws ENTRY_NOT_FOUND
        const image = engine.index.store.imageFile(id) ?? { file: engine.fileOf(id) };
        const png = await renderer.png(image.file, side, image.within);
        response.setHeader('Cache-Control', 'private, max-age=3600');
        response.type('png').send(png);
      }),
    );
  }
  return router;
}
