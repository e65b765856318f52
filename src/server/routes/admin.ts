import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Router } from 'express';
import { cxrError } from '../../errors.js';
import type { SearchEngine } from '../../search/engine.js';
import { removeStaleTemporaries } from '../../store/atomic-file.js';
import { requireToken } from '../middleware.js';
import { AddFields, ImageId } from '../schemas.js';
import { imageUpload, uploadedImage } from '../uploads.js';
import { asyncRoute } from './async-route.js';

/**
 * Adding and removing images, behind the bearer token. An uploaded image is kept in `<index>/uploads/` under a
 * name made from its validated id, never from anything else the client sent, and recorded by its absolute path
 * (the index folder resolved once, here), so that a server started from another folder finds it. A server that
 * may write first deletes the temporary files crashed writers left in the index, its generation and uploads/.
 */
export function adminRoutes(engine: SearchEngine, token: string | undefined, uploadLimit: number): Router {
  const router = Router();
  const indexDir = resolve(dirname(engine.index.generation));
  const uploads = join(indexDir, 'uploads');
  if (token !== undefined && token !== '') {
    for (const dir of [indexDir, resolve(engine.index.generation), uploads]) removeStaleTemporaries(dir);
  }
  router.post(
    '/images',
    requireToken(token),
    imageUpload(uploadLimit),
    asyncRoute(async (request, response) => {
      const fields = AddFields.parse(request.body ?? {});
      const { bytes, kind } = uploadedImage(request, true);
      await mkdir(uploads, { recursive: true });
      const file = join(uploads, `${fields.dataset}__${fields.id}.${kind === 'dicom' ? 'dcm' : kind}`);
      const temporary = `${file}.${process.pid}-${randomUUID()}.tmp`; // one per request: adds of one id may overlap
      try {
        await writeFile(temporary, bytes);
        await rename(temporary, file);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
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
