import type { Server } from 'node:http';
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { selectBackend } from '../cascade/backend.js';
import { loadBundle } from '../cascade/bundle/load.js';
import { SearchEngine } from '../search/engine.js';
import { createApp, listen } from '../server/app.js';
import { type BackendOptions, backendRequest, withBackendOption } from './backend-option.js';
import { DEFAULT_INDEX } from './build.js';
import { beamOption, integerOption, withBeamOption } from './shared-options.js';

interface ServeCliOptions extends BackendOptions {
  index: string;
  port: string;
  host: string;
  token?: string;
  cors: string[];
  uploadLimit: string;
  /** Beam width of uploads' annotation (absent: the default). */
  beam?: string;
}

/** `cxr serve --index DIR --port N`: the HTTP API and the web page. */
export function registerServeCommand(program: Command): void {
  withBeamOption(withBackendOption(program.command('serve')))
    .description('Serve the search page and the HTTP API over an index')
    .option('--index <dir>', 'the search index folder', DEFAULT_INDEX)
    .option('--port <n>', 'port (0: any free one)', '8080')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--token <token>', 'bearer token that allows adding and removing images (or CXR_TOKEN)')
    .option(
      '--cors <origin>',
      'allow API calls from this origin; repeatable',
      (v: string, p: string[]) => [...p, v],
      [],
    )
    .option('--upload-limit <MB>', 'largest accepted upload', '20')
    .action(async (options: ServeCliOptions) => {
      await startServer(options);
    });
}

/** Uploads decode beside the event loop (all cores but the one it runs on): no request waits behind a large image. */
export const UPLOAD_DECODE_THREADS = Math.max(1, availableParallelism() - 1);

/** Opens the index and listens; resolves once listening, with the address. Used by `serve` and the quickstart. */
export async function startServer(
  options: ServeCliOptions,
): Promise<{ server: Server; url: string; engine: SearchEngine }> {
  const port = integerOption('port', options.port, 0, 65535);
  const uploadLimit = integerOption('upload-limit', options.uploadLimit, 1, 1024) * 1024 * 1024;
  const beam = options.beam === undefined ? undefined : beamOption(options.beam);
  const engine = SearchEngine.open(options.index, {
    loadAnnotator: async (bundle) => {
      await selectBackend(backendRequest(options));
      return loadBundle(bundle, { beam });
    },
    decodeThreads: UPLOAD_DECODE_THREADS,
  });
  const app = createApp({
    engine,
    token: options.token ?? process.env.CXR_TOKEN,
    corsOrigins: options.cors,
    uploadLimit,
  });
  const server = await listen(app, port, options.host);
  const address = server.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : port;
  const url = `http://${options.host === '0.0.0.0' ? 'localhost' : options.host}:${actualPort}/`;
  console.log(`cxr-search: ${engine.index.store.count()} images, serving ${url}  (Ctrl-C to stop)`);
  const stop = () => {
    server.close();
    void engine.close();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return { server, url, engine };
}
