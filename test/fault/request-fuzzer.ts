import { deflateSync } from 'node:zlib';
import { Random } from '../../src/random.js';
import { TOKEN } from '../helpers/sample-server.js';
import { pngBomb, pngDeclaring } from './bomb-files.js';

/** One request as sent on the wire. */
export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

const METHODS = ['GET', 'GET', 'GET', 'POST', 'POST', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD'];
const PATHS = [
  '/api/health',
  '/api/vocabulary',
  '/api/facets',
  '/api/search',
  '/api/search/image',
  '/api/annotate',
  '/api/images',
  '/api/images/{id}',
  '/api/images/{id}/thumbnail',
  '/api/images/{id}/full',
  '/api/openapi.json',
  '/api/nope',
  '/',
  '/index.html',
  '/app.js',
];
const QUERY_KEYS = ['q', 'like', 'k', 'mode', 'embedding', 'disease', 'side', 'severity', 'location', 'view', 'split'];
const WORDS = ['effusion', 'left', 'lower lobe', 'no', '-', 'cardiomegaly', 'PTX', 'disease:', 'confidence:0.9', '"'];
const TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=',
  'application/octet-stream',
  'image/png',
];

/**
 * Random requests against the API: known routes and made-up ones, ids real and hostile, query strings with known
 * and unknown fields and broken escapes, JSON bodies valid, wrong and malformed, multipart bodies well formed,
 * cut short or lying about their boundary, images real, corrupt, truncated and bombs, odd charsets and encodings,
 * the right token and wrong ones. The same seed gives the same requests.
 */
export function fuzzRequests(seed: number, count: number, ids: string[]): FuzzRequest[] {
  const random = new Random(seed);
  const images = [pngBomb(48, 40), pngBomb(300, 200), pngDeclaring(30_000, 30_000), pngBomb(8000, 8000)];
  const text = () =>
    Array.from({ length: random.integer(0, 4) }, () => random.pick(WORDS)).join(random.pick([' ', '  ', ',', '+']));
  const junk = (max: number) =>
    Buffer.from(Array.from({ length: random.integer(0, max) }, () => random.integer(0, 255)));
  const id = () =>
    random.pick([
      ...ids,
      ...ids,
      'nope:1',
      '..%2F..%2Fetc%2Fpasswd',
      '%00',
      'a'.repeat(400),
      '%zz',
      'sample:%E2%80%AE',
      '',
    ]);
  const query = () => {
    const parts = Array.from({ length: random.integer(0, 5) }, () => {
      const key = random.next() < 0.85 ? random.pick(QUERY_KEYS) : random.pick(['zzz', '__proto__', 'k[]', '%zz']);
      const value =
        key === 'k'
          ? random.pick(['5', '0', '-1', '501', '1e3', 'abc', '2.5', ''])
          : key === 'like'
            ? id()
            : random.next() < 0.1
              ? '%E0%A4%A'
              : encodeURIComponent(text());
      return `${key}=${value}`;
    });
    return parts.length === 0 ? '' : `?${parts.join('&')}`;
  };
  const jsonBody = () => {
    const options: unknown[] = [
      { text: text(), k: random.integer(-2, 600) },
      { like: id(), k: random.pick([1, 5, '5', null]) },
      { vector: Array.from({ length: random.pick([0, 3, 64]) }, () => random.normal()) },
      { text: text(), filters: { disease: text(), nope: 1 } },
      { text: 5, mode: 'sideways' },
      [1, 2, 3],
      null,
      'string',
      JSON.parse(`${'['.repeat(2000)}${']'.repeat(2000)}`),
    ];
    const value = random.pick(options);
    const raw = JSON.stringify(value);
    return Buffer.from(random.next() < 0.15 ? raw.slice(0, random.integer(0, raw.length)) : raw);
  };
  /** A multipart upload, well formed or (`fault`) with one thing wrong with it. */
  const multipart = (path: string) => {
    const boundary = `b${random.integer(0, 1e9)}`;
    const fault = random.next() < 0.5 ? random.pick(MULTIPART_FAULTS) : undefined;
    let image = random.pick(images.slice(0, 2));
    if (fault === 'junk image') image = junk(500);
    if (fault === 'cut image') image = image.subarray(0, random.integer(0, image.length - 1));
    if (fault === 'bomb') image = random.pick(images.slice(2));
    const fields: string[] = [];
    if (random.next() < 0.5) fields.push(field(boundary, 'q', text()));
    if (fault === 'bad filters') fields.push(field(boundary, 'filters', random.pick(['{', '[]', '{"nope":1}'])));
    if (fault === 'bad k') fields.push(field(boundary, 'k', random.pick(['x', '-4', '9999'])));
    if (path === '/api/images')
      fields.push(field(boundary, 'id', fault === 'bad id' ? '../x' : `fuzz-${random.integer(0, 30)}`));
    const name = fault === 'wrong field' ? 'other' : 'image';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="x.png"\r\nContent-Type: image/png\r\n\r\n`;
    const ending = fault === 'unterminated' ? '' : `\r\n--${boundary}--\r\n`;
    const body = Buffer.concat([Buffer.from(fields.join('')), Buffer.from(head), image, Buffer.from(ending)]);
    const type =
      fault === 'no boundary'
        ? 'multipart/form-data'
        : `multipart/form-data; boundary=${fault === 'wrong boundary' ? 'other' : boundary}`;
    return { body, type };
  };
  const token = (headers: Record<string, string>, valid: number) => {
    const roll = random.next();
    if (roll < valid) headers.authorization = `Bearer ${TOKEN}`;
    else if (roll < valid + 0.1) headers.authorization = random.pick(['Bearer wrong', 'Basic abc', 'Bearer ', TOKEN]);
  };
  const anything = (): FuzzRequest => {
    const method = random.pick(METHODS);
    const path = random.pick(PATHS).replace('{id}', id()) + (random.next() < 0.6 ? query() : '');
    const headers: Record<string, string> = {};
    token(headers, 0.5);
    if (method !== 'POST' && method !== 'PUT' && method !== 'PATCH') return { method, path, headers };
    const kind = random.next();
    let body: Buffer;
    if (kind < 0.4) {
      const upload = multipart(path);
      body = upload.body;
      headers['content-type'] = upload.type;
    } else if (kind < 0.8) {
      body = jsonBody();
      headers['content-type'] = random.pick(TYPES);
    } else {
      body = junk(2000);
      headers['content-type'] = random.pick(TYPES);
    }
    return { method, path, headers, body: encoded(headers, body) };
  };
  /** Now and then a Content-Encoding: unknown, or deflate over a body that is (or is not) deflated. */
  const encoded = (headers: Record<string, string>, body: Buffer): Buffer => {
    const roll = random.next();
    if (roll < 0.05) headers['content-encoding'] = random.pick(['x-unknown', 'br, gzip', 'identity']);
    else if (roll < 0.1) {
      headers['content-encoding'] = 'deflate';
      if (random.next() < 0.5) return deflateSync(body);
    }
    return body;
  };
  return Array.from({ length: count }, (): FuzzRequest => {
    const scenario = random.next();
    if (scenario < 0.35) {
      const path = random.pick(['/api/search/image', '/api/search/image', '/api/annotate', '/api/images']);
      const headers: Record<string, string> = {};
      token(headers, path === '/api/images' ? 0.8 : 0.2);
      const upload = multipart(path);
      headers['content-type'] = upload.type;
      return { method: 'POST', path, headers, body: encoded(headers, upload.body) };
    }
    if (scenario < 0.6) {
      const path = random.pick(PATHS.filter((p) => !p.includes('image') || p.includes('{id}')));
      return { method: 'GET', path: path.replace('{id}', id()) + query(), headers: {} };
    }
    if (scenario < 0.75) {
      const headers: Record<string, string> = {
        'content-type': random.next() < 0.8 ? 'application/json' : random.pick(TYPES),
      };
      return { method: 'POST', path: '/api/search', headers, body: encoded(headers, jsonBody()) };
    }
    if (scenario < 0.8) {
      const headers: Record<string, string> = {};
      token(headers, 0.8);
      return {
        method: 'DELETE',
        path: `/api/images/${random.pick(['uploads:fuzz-1', 'uploads:fuzz-2', id()])}`,
        headers,
      };
    }
    return anything();
  });
}

const MULTIPART_FAULTS = [
  'junk image',
  'cut image',
  'bomb',
  'bad filters',
  'bad k',
  'bad id',
  'wrong field',
  'unterminated',
  'no boundary',
  'wrong boundary',
] as const;

function field(boundary: string, name: string, value: string): string {
  return `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
}
