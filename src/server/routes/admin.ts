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
 * name made from its validated id (never from anything else the client sent) and a token of its own, so that a
 * replacement is written beside the image it replaces: the old file is deleted only once the new one is indexed,
 * and a replacement that fails leaves the entry as it was. Files are recorded by their absolute path (the index
 * folder resolved once, here), so that a server started from another folder finds them. Writes run one at a time;
 * a removed image's uploaded file is deleted with it (files of the imported collection never are). A server that
 * may write first deletes the temporary files crashed writers left in the index, its generation and uploads/.
 */
export function adminRoutes(engine: SearchEngine, token: string | undefined, uploadLimit: number): Router {
  const router = Router();
  const indexDir = resolve(dirname(engine.index.generation));
  const uploads = engine.uploadsDir;
  if (token !== undefined && token !== '') {
    for (const dir of [indexDir, resolve(engine.index.generation), uploads]) removeStaleTemporaries(dir);
  }
  const oneAtATime = serialized();
  router.post(
    '/images',
    requireToken(token),
    imageUpload(uploadLimit),
    asyncRoute(async (request, response) => {
      const fields = AddFields.parse(request.body ?? {});
      const { bytes, kind } = uploadedImage(request, true);
      const imageId = `${fields.dataset}:${fields.id}`;
      const name = `${fields.dataset}__${fields.id}.${randomUUID().slice(0, 8)}.${kind === 'dicom' ? 'dcm' : kind}`;
      const file = join(uploads, name);
      const images = await oneAtATime(async () => {
        const previous = engine.uploadedFile(imageId);
        await mkdir(uploads, { recursive: true });
        await writeWhole(file, bytes);
        try {
          await engine.addImages([
            { imageId, dataset: fields.dataset, file, ...(fields.view ? { view: fields.view.toUpperCase() } : {}) },
          ]);
        } catch (error) {
          await rm(file, { force: true });
          throw error;
        }
        if (previous !== undefined) await rm(previous, { force: true });
        return engine.index.store.count();
      });
      response.status(201).json({ added: imageId, images });
    }),
  );
  router.delete(
    '/images/:id',
    requireToken(token),
    asyncRoute(async (request, response) => {
      const id = ImageId.parse(request.params.id);
      const images = await oneAtATime(async () => {
        const removed = await engine.removeImages([id]); // an uploaded image's file goes with it
        if (removed.length === 0) throw cxrError('ENTRY_NOT_FOUND', `no indexed image '${id}'`, { id });
        return engine.index.store.count();
      });
      response.json({ removed: id, images });
    }),
  );
  return router;
}

/** The file written whole through a temporary of its own, or not at all. */
async function writeWhole(file: string, bytes: Uint8Array): Promise<void> {
  const temporary = `${file}.${process.pid}-${randomUUID()}.tmp`;
  try {
    await writeFile(temporary, bytes);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Runs tasks one after another, in the order they came; one failing does not stop the next. */
function serialized(): <T>(work: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>) => {
    const run = last.then(work, work);
    last = run.catch(() => undefined);
    return run;
  };
}
