import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Router } from 'express';
import { cxrError } from '../../errors.js';
import type { SearchEngine } from '../../search/engine.js';
import { requireToken } from '../middleware.js';
import { AddFields, ImageId } from '../schemas.js';
import { imageUpload, uploadedImage } from '../uploads.js';
import { asyncRoute } from './async-route.js';

/**
 * Adding and removing images, behind the bearer token. An uploaded image is kept in `<index>/uploads/` under a
 * name made from its validated id, never from anything else the client sent.
 */
export function adminRoutes(engine: SearchEngine, token: string | undefined, uploadLimit: number): Router {
  const router = Router();
  const uploads = join(dirname(engine.index.generation), 'uploads');
  router.post(
    '/images',
    requireToken(token),
    imageUpload(uploadLimit),
    asyncRoute(async (request, response) => {
      const fields = AddFields.parse(request.body ?? {});
      const { bytes, kind } = uploadedImage(request, true);
      await mkdir(uploads, { recursive: true });
      const file = join(uploads, `${fields.dataset}__${fields.id}.${kind === 'dicom' ? 'dcm' : kind}`);
      await writeFile(`${file}.tmp`, bytes);
      await rename(`${file}.tmp`, file);
      const imageId = `${fields.dataset}:${fields.id}`;
      try {
        await engine.addImages([
          { imageId, dataset: fields.dataset, file, ...(fields.view ? { view: fields.view.toUpperCase() } : {}) },
        ]);
      } catch (error) {
        await rm(file, { force: true });
        throw error;
      }
      response.status(201).json({ added: imageId, images: engine.index.store.count() });
    }),
  );
  router.delete('/images/:id', requireToken(token), (request, response) => {
    const id = ImageId.parse(request.params.id);
    const removed = engine.removeImages([id]);
    if (removed.length === 0) throw cxrError('ENTRY_NOT_FOUND', `no indexed image '${id}'`, { id });
    response.json({ removed: id, images: engine.index.store.count() });
  });
  return router;
}
