/// <reference lib="dom" />
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchEngine } from '../../src/search/engine.js';
import { sampleServer } from '../helpers/sample-server.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../artifacts/', import.meta.url));
const available = existsSync(CHROMIUM);
if (!available) console.log(`SKIP: browser test — no Chromium at ${CHROMIUM} (apt-get install chromium; .ci/run does)`);

describe.skipIf(!available)('the search page in headless Chromium', () => {
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
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
    await engine?.close();
  });

  it('type a query and see matching results; drop an image and see results with its reading; open a detail view', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(base);
    await page.waitForSelector('.card'); // the opening browse

    await page.fill('#q', 'left lower lobe effusion');
    await page.press('#q', 'Enter');
    await page.waitForFunction(() => /understood|No images/.test(document.querySelector('#status')?.textContent ?? ''));
    const shown = await page.$$eval('.card', (cards) => cards.map((card) => (card as HTMLElement).dataset.id));
    const expected = await engine.search({ text: 'left lower lobe effusion', k: 40 });
    expect(shown.length).toBeGreaterThan(0);
    expect(shown).toEqual(expected.hits.map((hit) => hit.imageId));
    expect(await page.textContent('#status')).toContain('left pleural effusion lower lobe');
    await page.screenshot({ path: join(ARTIFACTS, 'browser-text-search.png') });

    // A real drop: a File in a DataTransfer, dispatched on the drop zone as the browser does for a dragged file.
    const png = readFileSync(join(images, readdirSync(images).sort()[1] as string)).toString('base64');
    await page.evaluate(async (base64) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], 'dropped.png', { type: 'image/png' }));
      document
        .querySelector('#drop')
        ?.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, png);
    await page.waitForSelector('#query-reading');
    expect(await page.textContent('#query-reading')).toMatch(/\(.+ \d+%, whole reading \d+%\)/);
    await page.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('image search'));
    expect(await page.$$eval('.card', (cards) => cards.length)).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, 'browser-image-search.png') });

    await page.focus('.card');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#detail[open] #report');
    expect(await page.textContent('#detail #generated')).not.toBe('');
    expect(await page.$$eval('#detail .neighbours img', (imgs) => imgs.length)).toBe(8);
    await page.waitForFunction(
      () => (document.querySelector('#detail img.full') as HTMLImageElement | null)?.complete === true,
    );
    await page.screenshot({ path: join(ARTIFACTS, 'browser-detail.png') });
    await page.keyboard.press('m'); // more like this
    await page.waitForFunction(() => document.querySelector('#query-image p')?.textContent?.startsWith('More like'));
    expect(errors).toEqual([]);
  }, 60_000);
});
