import { Agent, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.js';
import type { SearchEngine } from '../../src/search/engine.js';
import { listen } from '../../src/server/app.js';
import { OPENAPI } from '../../src/server/openapi.js';
import { sampleServer } from '../helpers/sample-server.js';
import { type FuzzRequest, fuzzRequests } from './request-fuzzer.js';

/**
 * The OpenAPI answer documented for a request's route and status, if the route is one the document describes:
 * `undefined` for a route it does not (answered ROUTE_NOT_FOUND), `null` for a status it does not list.
 */
function documented(method: string, path: string, status: number): { description: string } | null | undefined {
  const bare = path.split('?')[0] as string;
  const template = bare.replace(/^\/api\/images\/[^/]+(\/(thumbnail|full))?$/, (_all, suffix?: string) =>
    bare === '/api/images' ? bare : `/api/images/{id}${suffix ?? ''}`,
  );
  const route = (OPENAPI.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>)[template];
  const operation = route?.[method.toLowerCase()];
  if (operation === undefined) return undefined;
  return (operation.responses[String(status)] as { description: string } | undefined) ?? null;
}

interface Answer {
  status: number;
  type: string;
  body: string;
}

/**
 * Random requests (fixed seeds) against the app on a real HTTP server over a real sample index, 8 at a time:
 * none may answer 5xx, every API error must be the catalogue's JSON, no body may show a server path, and the
 * server must still answer afterwards. Bounded: 3 × 1,000 requests.
 */
describe('the request fuzzer', () => {
  let server: Server;
  let engine: SearchEngine;
  let ids: string[];
  let log: string[];
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });

  beforeAll(async () => {
    const sample = await sampleServer();
    engine = sample.engine;
    log = sample.log;
    server = await listen(sample.app, 0, '127.0.0.1');
    ids = (
      engine.index.store.db.prepare('SELECT image_id FROM entries LIMIT 5').all() as Array<{ image_id: string }>
    ).map((row) => row.image_id);
  }, 120_000);
  afterAll(async () => {
    agent.destroy();
    server.close();
    await engine.close();
  });

  const send = (fuzz: FuzzRequest): Promise<Answer> => {
    const { port } = server.address() as AddressInfo;
    return new Promise((resolve) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          agent,
          method: fuzz.method,
          path: fuzz.path,
          headers: { ...fuzz.headers, ...(fuzz.body ? { 'content-length': String(fuzz.body.length) } : {}) },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              type: String(response.headers['content-type'] ?? ''),
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          response.on('error', () => resolve({ status: -1, type: '', body: 'response error' }));
        },
      );
      req.on('error', (error) => resolve({ status: -1, type: '', body: String(error) }));
      req.end(fuzz.body);
    });
  };

  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: 1,000 requests, no 5xx, every error in the catalogue's shape`, async () => {
      const requests = fuzzRequests(seed, 1000, ids);
      const answers: Answer[] = new Array(requests.length);
      let next = 0;
      const worker = async () => {
        while (next < requests.length) {
          const i = next++;
          answers[i] = await send(requests[i] as FuzzRequest);
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      const problems: string[] = [];
      answers.forEach((answer, i) => {
        const sent = requests[i] as FuzzRequest;
        const what = `${sent.method} ${sent.path.slice(0, 120)} [${sent.headers['content-type'] ?? ''}]`;
        if (answer.status < 100 || answer.status >= 500) {
          problems.push(`${what}: ${answer.status} ${answer.body.slice(0, 200)}`);
          return;
        }
        if (/(^|["\s(])\/(tmp|work|home|root|srv)\//.test(answer.body))
          problems.push(`${what}: a path in ${answer.body}`);
        if (answer.status >= 400 && sent.path.startsWith('/api') && sent.method !== 'HEAD') {
          let code: unknown;
          try {
            code = (JSON.parse(answer.body) as { error?: { code?: unknown } }).error?.code;
          } catch {
            code = undefined;
          }
          if (typeof code !== 'string' || !(code in ERROR_CODES)) {
            problems.push(`${what}: ${answer.status} not a catalogue error: ${answer.body.slice(0, 200)}`);
          }
          // The OpenAPI document lists this status for this route, and names this code under it.
          const answerDoc = documented(sent.method, sent.path, answer.status);
          if (answerDoc === null)
            problems.push(`${what}: ${answer.status} ${String(code)} is not in the OpenAPI document`);
          else if (answerDoc !== undefined && !answerDoc.description.includes(`${String(code)}:`)) {
            problems.push(`${what}: ${answer.status} ${String(code)} is not named in the OpenAPI document`);
          }
        }
      });
      expect(problems).toEqual([]);
      // Not only refusals: uploads were decoded and read, images added.
      const succeeded = (path: string) =>
        answers.filter((a, i) => a.status < 300 && (requests[i] as FuzzRequest).path === path).length;
      expect(succeeded('/api/search/image')).toBeGreaterThan(20);
      expect(succeeded('/api/images')).toBeGreaterThan(10);
      expect(log.filter((line) => line.startsWith('internal error'))).toEqual([]);
      const health = await send({ method: 'GET', path: '/api/health', headers: {} });
      expect(health.status).toBe(200);
    }, 120_000);
  }
});
