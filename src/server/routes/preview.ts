import { Router } from 'express';
import sharp from 'sharp';
import type { DecodePool } from '../../datasets/images/decode-pool.js';
import { createUploadDecodePool } from '../../datasets/images/upload-decode-pool.js';
import { imageUpload, uploadedImage } from '../uploads.js';
import { asyncRoute } from './async-route.js';

/** The longest side of a preview: the page shows the query image at most ~300 px wide; 512 stays sharp when zoomed. */
export const PREVIEW_SIDE = 512;

/**
 * POST /preview: an uploaded image (PNG, JPEG or DICOM, compressed or not) as a grey PNG of at most PREVIEW_SIDE
 * pixels a side, aspect kept, as the model sees it (DICOM windowed and MONOCHROME1 inverted): what the page shows
 * for a dropped file a browser cannot display. Decoded in an upload decode process, under the same limits as an
 * image query (pixel budget, time, memory, queue); the process starts on the first preview, not with the server.
 */
export function previewRoutes(uploadLimit: number, pool?: DecodePool): Router {
  let decoder = pool;
  const router = Router();
  router.post(
    '/preview',
    imageUpload(uploadLimit),
    asyncRoute(async (request, response) => {
      const { bytes } = uploadedImage(request, true);
      decoder ??= createUploadDecodePool({ size: PREVIEW_SIDE, resize: 'area', fit: 'inside' }, 1);
      const grey = await decoder.decodeBytes(bytes, 'the uploaded image');
      const pixels = Uint8Array.from(grey.data, (v) => Math.round(v * 255));
      const png = await sharp(pixels, { raw: { width: grey.width, height: grey.height, channels: 1 } })
        .png()
        .toBuffer();
      response.setHeader('Cache-Control', 'no-store');
      response.type('png').send(png);
    }),
  );
  return router;
}
