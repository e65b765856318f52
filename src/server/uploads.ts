import type { Request, RequestHandler } from 'express';
import multer from 'multer';
import { cxrError } from '../errors.js';

export type UploadKind = 'png' | 'jpeg' | 'dicom';

export const DEFAULT_UPLOAD_LIMIT = 20 * 1024 * 1024;

/**
 * One image file in field `image`, held in memory, at most `limit` bytes; other fields are plain text. A body the
 * multipart parser cannot read (no or another boundary, cut short, a part header over its 16 KB) is the client's
 * error: REQUEST_INVALID, not the plain Error busboy throws.
 */
export function imageUpload(limit: number): RequestHandler {
  const parse = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: limit, files: 1, fields: 20, fieldSize: 64 * 1024, headerPairs: 100 },
  }).single('image');
  return (request, response, next) => {
    parse(request, response, (error?: unknown) => {
      if (error === undefined || error instanceof multer.MulterError) next(error);
      else next(cxrError('REQUEST_INVALID', `malformed multipart body: ${(error as Error).message ?? String(error)}`));
    });
  };
}

/**
 * The uploaded image and its kind, told by its bytes (never by the name or type the client claims): PNG, JPEG or
 * DICOM (Part 10, "DICM" at byte 128). Anything else is refused with IMAGE_UNSUPPORTED.
 */
export function uploadedImage(request: Request, required: true): { bytes: Uint8Array; kind: UploadKind };
export function uploadedImage(request: Request, required: false): { bytes: Uint8Array; kind: UploadKind } | undefined;
export function uploadedImage(request: Request, required: boolean) {
  const file = request.file;
  if (file === undefined) {
    if (required) throw cxrError('REQUEST_INVALID', 'an image file is required in the multipart field "image"');
    return undefined;
  }
  const bytes = new Uint8Array(file.buffer.buffer, file.buffer.byteOffset, file.buffer.byteLength);
  const kind = kindOf(bytes);
  if (kind === undefined) {
    throw cxrError('IMAGE_UNSUPPORTED', 'the upload is not a PNG, JPEG or DICOM image', { type: file.mimetype });
  }
  return { bytes, kind };
}

export function kindOf(bytes: Uint8Array): UploadKind | undefined {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length > 132 && Buffer.from(bytes.subarray(128, 132)).toString('latin1') === 'DICM') return 'dicom';
  return undefined;
}
