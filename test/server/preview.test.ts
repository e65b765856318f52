/// <reference lib="dom" />
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import sharp from 'sharp';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeGreyBytes } from '../../src/datasets/images/decode.js';
import { SearchEngine } from '../../src/search/engine.js';
import { createApp } from '../../src/server/app.js';
import { SearchIndex } from '../../src/store/search-index.js';
import { annotationOf, entryOf } from '../helpers/annotations.js';
import { dicomBytes } from '../helpers/dicom-files.js';
import { tempDir } from '../helpers/fixtures.js';
import { generatedRadiograph } from '../helpers/generated-radiograph.js';
import { encodeJpegLossless } from '../helpers/jpeg-lossless-encode.js';
import { sampleServer } from '../helpers/sample-server.js';
import { hasShared, sharedPath } from '../helpers/shared-data.js';
import { writeSyntheticGeneration } from '../helpers/synthetic-index.js';

const [W, H] = [900, 700];
const samples = generatedRadiograph(W, H, 12, 3);
const lossless = dicomBytes({
  width: W,
  height: H,
  bitsAllocated: 16,
  bitsStored: 12,
  photometric: 'MONOCHROME1',
  transferSyntax: '1.2.840.10008.1.2.4.70',
  frames: [encodeJpegLossless(samples, W, H, 12, 1)],
});

describe('POST /api/preview', () => {
  let engine: SearchEngine;
  let app: ReturnType<typeof createApp>;

  beforeAll(() => {
    // No model: a preview needs none.
    const entries = [entryOf('a', annotationOf({}, 0))];
    engine = new SearchEngine(SearchIndex.open(writeSyntheticGeneration(tempDir(), entries)));
    app = createApp({ engine, log: () => {} });
  });
  afterAll(() => engine.close());

  it('a compressed DICOM comes back as a PNG at most 512 px a side, aspect kept, as the model reads it', async () => {
    const response = await request(app).post('/api/preview').attach('image', lossless, 'x.dcm').expect(200);
    expect(response.headers['content-type']).toMatch(/^image\/png/);
    const { data, info } = await sharp(response.body).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([512, 398]);
    const expected = await decodeGreyBytes(lossless, 'x.dcm', 512, 'area', undefined, 'inside');
    let worst = 0;
    for (let p = 0; p < info.width * info.height; p++) {
      worst = Math.max(worst, Math.abs((data[p * info.channels] as number) - (expected.data[p] as number) * 255));
    }
    expect(worst).toBeLessThanOrEqual(0.5);
  });

  it('a bad or unsupported DICOM is its error code, not an image', async () => {
    const broken = Buffer.from(lossless.subarray(0, lossless.length - 5000));
    const corrupt = await request(app).post('/api/preview').attach('image', broken, 'x.dcm').expect(422);
    expect(corrupt.body.error.code).toBe('IMAGE_CORRUPT');
    const htj2k = dicomBytes({
      width: 8,
      height: 8,
      bitsAllocated: 8,
      transferSyntax: '1.2.840.10008.1.2.4.201',
      frames: [new Uint8Array(8)],
    });
    const unsupported = await request(app).post('/api/preview').attach('image', htj2k, 'x.dcm').expect(415);
    expect(unsupported.body.error.code).toBe('DICOM_COMPRESSED_UNSUPPORTED');
    const text = await request(app).post('/api/preview').attach('image', Buffer.from('hello'), 'x.dcm').expect(415);
    expect(text.body.error.code).toBe('IMAGE_UNSUPPORTED');
  });

  it('the real SIIM file previews as its pixels, 512 × 512', async (context) => {
    const siim = 'dicom/siim-1.2.276.0.7230010.3.1.4.8323329.6904.1517875201.850819.dcm';
    if (!hasShared(siim)) {
      context.skip();
      return;
    }
    const response = await request(app)
      .post('/api/preview')
      .attach('image', readFileSync(sharedPath(siim)), 's.dcm');
    expect(response.status).toBe(200);
    const meta = await sharp(response.body).metadata();
    expect([meta.width, meta.height]).toEqual([512, 512]);
  });
});

const CHROMIUM = '/usr/bin/chromium';
const browserAvailable = existsSync(CHROMIUM);
if (!browserAvailable) console.log(`SKIP: DICOM drop preview in a browser — no Chromium at ${CHROMIUM}`);

describe.skipIf(!browserAvailable)('the page previews a dropped DICOM through the server', () => {
  let server: Server;
  let engine: SearchEngine;
  let browser: Browser;
  let base: string;
  let images: string;

  beforeAll(async () => {
    const sample = await sampleServer();
    engine = sample.engine;
    images = sample.images;
    server = await new Promise<Server>((resolve) => {
      const listening = sample.app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
    await engine?.close();
  });

  async function drop(page: import('playwright-core').Page, bytes: Buffer, name: string): Promise<void> {
    await page.evaluate(
      async ([base64, fileName]) => {
        const data = Uint8Array.from(atob(base64 as string), (c) => c.charCodeAt(0));
        const transfer = new DataTransfer();
        transfer.items.add(new File([data], fileName as string, { type: 'application/dicom' }));
        document
          .querySelector('#drop')
          ?.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      },
      [bytes.toString('base64'), name],
    );
  }

  it('shows the server’s PNG of a dropped DICOM (a loaded image, not a broken one), a PNG as itself', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const previews: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/preview')) previews.push(r.method());
    });
    await page.goto(base);
    await page.waitForSelector('.card');
    await drop(page, lossless, 'dropped.dcm');
    await page.waitForSelector('#query-reading');
    await page.waitForFunction(() => {
      const img = document.querySelector('#query-image img') as HTMLImageElement | null;
      return img?.complete === true && img.naturalWidth > 0;
    });
    const shown = await page.$eval('#query-image img', (img) => ({
      src: (img as HTMLImageElement).src,
      width: (img as HTMLImageElement).naturalWidth,
      height: (img as HTMLImageElement).naturalHeight,
    }));
    expect(shown.src).toMatch(/^blob:/);
    expect([shown.width, shown.height]).toEqual([512, 398]);
    expect(previews).toEqual(['POST']);

    const png = readFileSync(join(images, readdirSync(images).sort()[0] as string));
    await drop(page, png, 'dropped.png');
    await page.waitForFunction(() => {
      const img = document.querySelector('#query-image img') as HTMLImageElement | null;
      return img?.complete === true && img.naturalWidth > 0 && img.naturalWidth !== 512;
    });
    expect(previews).toEqual(['POST']); // a PNG the browser shows itself

    await drop(page, Buffer.from(lossless.subarray(0, lossless.length - 5000)), 'broken.dcm');
    await page.waitForSelector('#status.error'); // the search says why
    expect(errors).toEqual([]);
  }, 90_000);
});
