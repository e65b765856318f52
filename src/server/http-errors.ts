import type { ErrorRequestHandler, RequestHandler } from 'express';
import multer from 'multer';
import { ZodError } from 'zod';
import { CxrError, cxrError, ERROR_CODES } from '../errors.js';

/** Unknown API routes answer in the same JSON shape as every other error. */
export const routeNotFound: RequestHandler = (request, _response, next) => {
  next(
    cxrError('ROUTE_NOT_FOUND', `no route ${request.method} ${request.path}`, {
      method: request.method,
      path: request.path,
    }),
  );
};

/**
 * The one place errors become HTTP: a CxrError's code decides the status (from the error catalogue); upload,
 * body-parser and validation errors are given codes first; anything else is INTERNAL, logged, and its details
 * never sent to the client.
 */
export function errorHandler(log: (line: string) => void): ErrorRequestHandler {
  return (error, _request, response, _next) => {
    const known = asCxrError(error);
    if (known.code === 'INTERNAL') log(`internal error: ${(error as Error)?.stack ?? String(error)}`);
    response.status(ERROR_CODES[known.code].status).json({ error: known.toJSON() });
  };
}

function asCxrError(error: unknown): CxrError {
  if (error instanceof CxrError) return error;
  if (error instanceof multer.MulterError) {
    if (error.code === 'LIMIT_FILE_SIZE')
      return cxrError('UPLOAD_TOO_LARGE', 'the uploaded file is too large', { field: error.field });
    return cxrError('REQUEST_INVALID', `upload: ${error.message}`, { field: error.field, reason: error.code });
  }
  if (error instanceof ZodError) {
    const issue = error.issues[0];
    return cxrError('REQUEST_INVALID', `${issue?.path.join('.') || 'request'}: ${issue?.message ?? 'invalid'}`, {
      issues: error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  const status = (error as { status?: number; type?: string })?.status;
  if (status === 413) return cxrError('UPLOAD_TOO_LARGE', 'the request body is too large');
  if (status === 400) return cxrError('REQUEST_INVALID', `malformed request: ${(error as Error).message}`);
  return cxrError('INTERNAL', 'an unexpected error; see the server log');
}
