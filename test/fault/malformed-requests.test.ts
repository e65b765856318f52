import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, type ErrorCode } from '../../src/errors.js';
import type { SearchEngine } from '../../src/search/engine.js';
import { listen } from '../../src/server/app.js';
import { sampleServer, TOKEN } from '../helpers/sample-server.js';

/** Requests an attacker or a broken client sends: each must answer 4xx JSON with a stable code, never 500. */
describe('malformed requests', () => {
  let app: Express;
  let engine: SearchEngine;

  beforeAll(async () => {
    ({ app, engine } = await sampleServer());
  }, 120_000);
  afterAll(() => engine.close());

  const expectError = (response: request.Response, code: ErrorCode) => {
    expect({ status: response.status, code: response.body?.error?.code }).toEqual({
      status: ERROR_CODES[code].status,
      code,
    });
    expect(response.type).toBe('application/json');
  };

  it('multipart without a boundary, with a wrong one, unterminated, empty, or with a huge part header', async () => {
    const part = (boundary: string, header = '') =>
      `--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="a.png"\r\n${header}` +
      `Content-Type: image/png\r\n\r\n\x89PNG....\r\n`;
    const cases: Array<[string, string, string]> = [
      ['no boundary', 'multipart/form-data', part('xyz')],
      ['wrong boundary', 'multipart/form-data; boundary=other', part('xyz')],
      ['unterminated', 'multipart/form-data; boundary=xyz', part('xyz')],
      ['empty body', 'multipart/form-data; boundary=xyz', ''],
      ['huge part header', 'multipart/form-data; boundary=xyz', part('xyz', `X-Pad: ${'a'.repeat(200_000)}\r\n`)],
    ];
    for (const path of ['/api/search/image', '/api/images', '/api/annotate']) {
      for (const [what, type, body] of cases) {
        const response = await request(app)
          .post(path)
          .set('Authorization', `Bearer ${TOKEN}`)
          .set('Content-Type', type)
          .send(Buffer.from(body, 'latin1'));
        expect(response.status, `${path} ${what}`).toBeGreaterThanOrEqual(400);
        expect(response.status, `${path} ${what}: ${JSON.stringify(response.body)}`).toBeLessThan(500);
        expect(response.body.error.code, `${path} ${what}`).toBe('REQUEST_INVALID');
      }
    }
  });

  it('a JSON body in a charset or content encoding the API does not read: 415 REQUEST_UNSUPPORTED', async () => {
    const latin1 = await request(app)
      .post('/api/search')
      .set('Content-Type', 'application/json; charset=latin1')
      .send('{"text":"effusion"}');
    expectError(latin1, 'REQUEST_UNSUPPORTED');
    const encoded = await request(app)
      .post('/api/search')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'x-unknown')
      .send('{"text":"effusion"}');
    expectError(encoded, 'REQUEST_UNSUPPORTED');
    const gzipLie = await request(app)
      .post('/api/search')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .send('{"text":"not gzip"}');
    expect(gzipLie.status).toBeLessThan(500);
    expect(gzipLie.body.error.code).toBe('REQUEST_INVALID');
  });

  it('a long query string: a JSON 414 past 8 KB, a JSON 431 past the 16 KB Node reads, from the real server', async () => {
    const server = await listen(app, 0, '127.0.0.1');
    try {
      for (const [length, status, code] of [
        [9_000, 414, 'URL_TOO_LONG'],
        [15_000, 414, 'URL_TOO_LONG'],
        [20_000, 431, 'HEADERS_TOO_LARGE'],
        [100_000, 431, 'HEADERS_TOO_LARGE'],
      ] as const) {
        const response = await rawGet(server, `/api/search?q=${'a'.repeat(length)}`);
        expect(response.status, `${length}`).toBe(status);
        expect(response.type).toMatch(/^application\/json/);
        expect(JSON.parse(response.body).error.code).toBe(code);
      }
      const fine = await rawGet(server, '/api/search?q=effusion');
      expect(fine.status).toBe(200);
    } finally {
      server.close();
    }
  });
});

/** A GET with Node's client (supertest would refuse nothing, but goes through the same server code). */
function rawGet(server: Server, path: string): Promise<{ status: number; type: string; body: string }> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'GET' }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, type: String(response.headers['content-type']), body }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}
