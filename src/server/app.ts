import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { cxrError } from '../errors.js';
import type { SearchEngine } from '../search/engine.js';
import { errorHandler, routeNotFound } from './http-errors.js';
import { cors, requestLog, urlLengthLimit } from './middleware.js';
import { OPENAPI } from './openapi.js';
import { ImageRenderer } from './render-image.js';
import { aboutRoutes } from './routes/about.js';
import { adminRoutes } from './routes/admin.js';
import { annotateRoutes } from './routes/annotate.js';
import { imageRoutes } from './routes/images.js';
import { previewRoutes } from './routes/preview.js';
import { searchRoutes } from './routes/search.js';
import { DEFAULT_UPLOAD_LIMIT } from './uploads.js';

export interface AppDeps {
  engine: SearchEngine;
  /** Bearer token for adding and removing images; without one those routes answer 403. */
  token?: string;
  /** Origins allowed to call the API from other pages; none by default. */
  corsOrigins?: string[];
  /** Largest upload in bytes (default 20 MB). */
  uploadLimit?: number;
  log?: (line: string) => void;
}

/** `web/` beside `src/` and `dist/`: the page is static files, no build step, no CDN. */
const WEB_DIR = fileURLToPath(new URL('../../web/', import.meta.url));

/** The HTTP API and the web page over one search engine; testable without a port (supertest). */
export function createApp(deps: AppDeps): Express {
  const log = deps.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const uploadLimit = deps.uploadLimit ?? DEFAULT_UPLOAD_LIMIT;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(
    helmet({
      contentSecurityPolicy: {
        // No upgrade-insecure-requests: the server is plain HTTP on a local address.
        directives: {
          'img-src': ["'self'", 'blob:', 'data:'],
          'script-src': ["'self'"],
          'connect-src': ["'self'"],
          'upgrade-insecure-requests': null,
        },
      },
      crossOriginEmbedderPolicy: false,
    }),
  );
  app.use(requestLog(log));
  app.use(urlLengthLimit());
  app.use('/api', cors(deps.corsOrigins ?? []));
  app.use('/api', express.json({ limit: '1mb' }));
  // A rebuilt index (cxr build switched CURRENT) is served from the next request on, without a restart.
  app.use('/api', (_request, _response, next) => {
    deps.engine.followCurrent();
    next();
  });
  const api = express.Router();
  api.use(aboutRoutes(deps.engine));
  api.use(searchRoutes(deps.engine, uploadLimit));
  api.use(annotateRoutes(deps.engine, uploadLimit));
  api.use(adminRoutes(deps.engine, deps.token, uploadLimit));
  api.use(imageRoutes(deps.engine, new ImageRenderer()));
  api.use(previewRoutes(uploadLimit));
  api.get('/openapi.json', (_request, response) => {
    response.json(OPENAPI);
  });
  api.use(routeNotFound);
  app.use('/api', api);
  app.use(express.static(WEB_DIR, { index: 'index.html', maxAge: '1h' }));
  app.use(errorHandler(log));
  return app;
}

/**
 * The app on a real HTTP server, listening; resolves once it is. Requests Node's parser refuses before the app
 * sees them (request line and headers over 16 KB, a malformed request line) are answered in the API's JSON error
 * shape, not with Node's empty 431 or 400.
 */
export function listen(app: Express, port: number, host: string): Promise<Server> {
  const server = createServer(app);
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const overflow = error.code === 'HPE_HEADER_OVERFLOW';
    const refused = overflow
      ? cxrError('HEADERS_TOO_LARGE', 'the request line and headers are longer than 16 KB; POST long queries')
      : cxrError('REQUEST_INVALID', 'the request is not valid HTTP');
    const body = JSON.stringify({ error: refused.toJSON() });
    socket.end(
      `HTTP/1.1 ${overflow ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
