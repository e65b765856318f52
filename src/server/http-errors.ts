import type { ErrorRequestHandler, RequestHandler } from 'express';
import multer from 'multer';
import { ZodError } from 'zod';
import { CxrError, cxrError, ERROR_CODES } from '../errors.js';
import { diskFull } from '../store/disk-full.js';
import { sqliteFault } from '../store/open-database.js';

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
  return (error, request, response, _next) => {
    const known = asCxrError(error);
    if (known.code === 'INTERNAL') log(`internal error: ${(error as Error)?.stack ?? String(error)}`);
    const shown = withoutPaths(known);
    // The server's files are its own business: the client gets names, the log gets the paths (and every fault of
    // the server's own, such as a damaged index file).
    const status = ERROR_CODES[known.code].status;
    if (known.code !== 'INTERNAL' && (shown.message !== known.message || status >= 500)) {
      log(`${request.method} ${request.path}: ${known.code}: ${known.message}`);
    }
    if (known.code === 'DECODE_BUSY') response.setHeader('Retry-After', String(known.details.retryAfter ?? 1));
    if (known.code === 'INDEX_BUSY' && known.details.retry !== false) response.setHeader('Retry-After', '1');
    if (response.headersSent) {
      response.destroy(); // a streamed answer failed half way: nothing sound can be added to it
      return;
    }
    response.status(status).json({ error: shown });
  };
}

/** Two or more segments from the root (`/srv/index/g-1/final.3.hnsw`): a server path, not a route or an id. */
const ABSOLUTE_PATH = /(?<![\w.:/])(?:\/[^\s'"`,;()[\]{}<>/]+){2,}\/?/g;

/**
 * The error as the client sees it: absolute paths in its message and details replaced by their last segment (the
 * file's name says what is wrong; where it lives is not the client's to know). ROUTE_NOT_FOUND keeps its path:
 * it is the one the client asked for.
 */
export function withoutPaths(error: CxrError): ReturnType<CxrError['toJSON']> {
  const json = error.toJSON();
  if (error.code === 'ROUTE_NOT_FOUND') return json;
  let changed = false;
  const scrub = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const named = value.replace(ABSOLUTE_PATH, (path) => path.replace(/\/$/, '').split('/').at(-1) as string);
      if (named !== value) changed = true;
      return named;
    }
    if (Array.isArray(value)) return value.map(scrub);
    return value;
  };
  const details = Object.fromEntries(Object.entries(json.details).map(([key, value]) => [key, scrub(value)]));
  const message = scrub(json.message) as string;
  return changed ? { ...json, message, details } : json;
}

function asCxrError(error: unknown): CxrError {
  if (error instanceof CxrError) return error;
  const fault = sqliteFault(error) ?? diskFull(error, 'the index'); // a damaged, read-only or full index
  if (fault !== undefined) return fault;
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
  // body-parser's errors (http-errors): 413 too large, 415 a charset or Content-Encoding it does not read, other
  // 4xx malformed (bad JSON, a gzip body that is not gzip, a body shorter than its Content-Length).
  const status = (error as { status?: number })?.status;
  if (status === 413) return cxrError('UPLOAD_TOO_LARGE', 'the request body is too large');
  if (status === 415) return cxrError('REQUEST_UNSUPPORTED', `unsupported request body: ${(error as Error).message}`);
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return cxrError('REQUEST_INVALID', `malformed request: ${(error as Error).message}`);
  }
  return cxrError('INTERNAL', 'an unexpected error; see the server log');
}
