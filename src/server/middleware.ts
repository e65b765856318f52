import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { cxrError } from '../errors.js';

/** One line per request: method, path, status, milliseconds. Query text is not logged (it may name patients). */
export function requestLog(log: (line: string) => void): RequestHandler {
  return (request, response, next) => {
    const started = performance.now();
    response.on('finish', () => {
      log(
        `${request.method} ${request.originalUrl.split('?')[0]} ${response.statusCode} ${(performance.now() - started).toFixed(1)}ms`,
      );
    });
    next();
  };
}

/** CORS only for the origins the server was started with; with none, browsers keep the API same-origin. */
export function cors(origins: readonly string[]): RequestHandler {
  return (request, response, next) => {
    const origin = request.headers.origin;
    if (origin !== undefined && origins.includes(origin)) {
      response.setHeader('Access-Control-Allow-Origin', origin);
      response.setHeader('Vary', 'Origin');
      response.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
      response.setHeader('Access-Control-Allow-Methods', 'GET, POST, DELETE');
      if (request.method === 'OPTIONS') {
        response.status(204).end();
        return;
      }
    }
    next();
  };
}

/** Routes that change the index need `Authorization: Bearer <token>`; without a configured token they are off. */
export function requireToken(token: string | undefined): RequestHandler {
  return (request, _response, next) => {
    if (token === undefined || token === '') {
      next(cxrError('FORBIDDEN', 'changing the index over HTTP is disabled: start the server with --token'));
      return;
    }
    const given = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
    const a = Buffer.from(given);
    const b = Buffer.from(token);
    if (a.length !== b.length || !timingSafeEqual(a, b)) {
      next(cxrError('UNAUTHORIZED', 'a valid bearer token is required'));
      return;
    }
    next();
  };
}

/**
 * Longest URL accepted: 8 KB. Longer query strings are refused with URL_TOO_LONG (414) before any parsing; a
 * search that needs more goes in a POST body. (Past the 16 KB of request line and headers Node reads, the server
 * itself answers HEADERS_TOO_LARGE: see `listen`.)
 */
export const MAX_URL_LENGTH = 8 * 1024;

export function urlLengthLimit(max = MAX_URL_LENGTH): RequestHandler {
  return (request, _response, next) => {
    if (request.originalUrl.length <= max) {
      next();
      return;
    }
    next(
      cxrError('URL_TOO_LONG', `the URL is ${request.originalUrl.length} characters, more than ${max}`, {
        length: request.originalUrl.length,
        limit: max,
      }),
    );
  };
}
