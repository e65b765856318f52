/// <reference lib="dom" />
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SearchEngine } from '../../src/search/engine.js';
import { createApp } from '../../src/server/app.js';
import { SearchIndex } from '../../src/store/search-index.js';
import { annotationOf, entryOf, head } from '../helpers/annotations.js';
import { tempDir } from '../helpers/fixtures.js';
import { sampleServer } from '../helpers/sample-server.js';
import { writeSyntheticGeneration } from '../helpers/synthetic-index.js';

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
    // One confidence a card (the hit's, as the API computes it).
    const metas = await page.$$eval('.card .meta', (nodes) => nodes.map((node) => node.textContent ?? ''));
    expect(metas.every((meta) => meta.match(/%/g)?.length === 1)).toBe(true);
    expect(metas[0]).toContain(`${Math.round((expected.hits[0]?.confidence.probability ?? 0) * 100)}% sure`);
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
    expect(await page.textContent('#query-reading')).toMatch(/\([^%]+ \d+%\)$/); // one figure
    // The sample bundle has the per-finding head: the reading lists its other findings, not class alternatives.
    expect(await page.textContent('#query-findings')).toMatch(/^other findings: /);
    await page.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('image search'));
    expect(await page.$$eval('.card', (cards) => cards.length)).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, 'browser-image-search.png') });

    await page.focus('.card');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#detail[open] #report');
    expect(await page.textContent('#detail #generated')).not.toBe('');
    expect(await page.$('#detail #findings')).not.toBeNull(); // the head's calibrated findings
    expect(await page.$$eval('#detail .neighbours img', (imgs) => imgs.length)).toBe(8);
    await page.waitForFunction(
      () => (document.querySelector('#detail img.full') as HTMLImageElement | null)?.complete === true,
    );
    await page.screenshot({ path: join(ARTIFACTS, 'browser-detail.png') });
    await page.keyboard.press('m'); // more like this
    await page.waitForFunction(() => document.querySelector('#query-image p')?.textContent?.startsWith('More like'));
    expect(errors).toEqual([]);
  }, 60_000);

  it("with the per-finding head: a card shows its finding's calibrated probability, the detail the others", async () => {
    const normal = { sequence: ['normal'], disease: 'normal', side: undefined, severity: undefined };
    const entries = [
      entryOf('a', annotationOf({ findings: head({ 'pleural effusion': 0.91, nodule: 0.3 }) }, 0)),
      entryOf('b', annotationOf({ ...normal, readingConfidence: 0.4, findings: head({ pneumonia: 0.77 }) }, 1)),
    ];
    const synthetic = new SearchEngine(SearchIndex.open(writeSyntheticGeneration(tempDir(), entries)));
    const own = await new Promise<Server>((resolve) => {
      const listening = createApp({ engine: synthetic, log: () => {} }).listen(0, '127.0.0.1', () =>
        resolve(listening),
      );
    });
    const address = own.address();
    const page = await browser.newPage();
    try {
      await page.goto(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
      await page.waitForSelector('.card');
      await page.fill('#q', 'pneumonia');
      await page.press('#q', 'Enter');
      await page.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('understood'));
      expect(await page.$$eval('.card .meta', (nodes) => nodes.map((n) => n.textContent))).toEqual([
        'pneumonia · 77% sure · hand:b',
      ]);
      await page.fill('#q', 'effusion');
      await page.press('#q', 'Enter');
      await page.waitForSelector('.card[data-id="hand:a"]');
      expect(await page.textContent('.card[data-id="hand:a"] .meta')).toBe('pleural effusion · 91% sure · hand:a');
      await page.click('.card[data-id="hand:a"]');
      await page.waitForSelector('#detail[open] #findings');
      expect(await page.textContent('#detail #findings')).toBe('nodule 30%');
    } finally {
      await page.close();
      own.close();
      await synthetic.close();
    }
  }, 60_000);

  it('a finding read in the report: the card and the detail say "from the report"', async () => {
    const normal = { sequence: ['normal'], disease: 'normal', side: undefined, severity: undefined };
    const entries = [
      {
        ...entryOf('r', annotationOf(normal, 0)),
        report: 'Small left pleural effusion.',
        fromReport: {
          annotations: ['Pleural Effusion/left/small'],
          findings: [{ disease: 'pleural effusion', side: 'left', severity: 'small', locations: [] }],
        },
      },
      entryOf('s', annotationOf({}, 1), [{ disease: 'cardiomegaly', locations: [] }]),
    ];
    const synthetic = new SearchEngine(SearchIndex.open(writeSyntheticGeneration(tempDir(), entries)));
    const own = await new Promise<Server>((resolve) => {
      const listening = createApp({ engine: synthetic, log: () => {} }).listen(0, '127.0.0.1', () =>
        resolve(listening),
      );
    });
    const address = own.address();
    const page = await browser.newPage();
    try {
      await page.goto(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
      await page.waitForSelector('.card');
      await page.fill('#q', 'effusion source:report');
      await page.press('#q', 'Enter');
      await page.waitForFunction(() => document.querySelectorAll('.card').length === 1);
      expect(await page.textContent('.card[data-id="hand:r"] .why')).toBe('finding from the report');
      expect(await page.textContent('.card[data-id="hand:r"] .from-report')).toBe(
        'from the report: Pleural Effusion, left, small',
      );
      await page.click('.card[data-id="hand:r"]');
      await page.waitForSelector('#detail[open] #truth-source');
      expect(await page.textContent('#detail #truth-source')).toBe('from the report');
      expect(await page.textContent('#detail #truth')).toBe('Pleural Effusion, left, small');
      // An image whose dataset states its findings keeps the ground truth column.
      await page.evaluate(() => (document.querySelector('#detail') as HTMLDialogElement).close());
      await page.fill('#q', 'cardiomegaly');
      await page.press('#q', 'Enter');
      await page.waitForSelector('.card[data-id="hand:s"]');
      expect(await page.$('.card[data-id="hand:s"] .from-report')).toBeNull();
      await page.click('.card[data-id="hand:s"]');
      await page.waitForFunction(() => document.querySelector('#detail')?.getAttribute('data-id') === 'hand:s');
      expect(await page.textContent('#detail #truth-source')).toBe('ground truth');
    } finally {
      await page.close();
      own.close();
      await synthetic.close();
    }
  }, 60_000);
});
