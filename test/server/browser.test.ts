/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_FILE } from '../../src/cascade/bundle/save.js';
import { SearchEngine } from '../../src/search/engine.js';
import { createApp } from '../../src/server/app.js';
import { SearchIndex } from '../../src/store/search-index.js';
import { annotationOf, entryOf, head } from '../helpers/annotations.js';
import { tempDir } from '../helpers/fixtures.js';
import { sampleServer } from '../helpers/sample-server.js';
import { writeSyntheticGeneration } from '../helpers/synthetic-index.js';

const CHROMIUM = '/usr/bin/chromium';
/** Screenshots a person looks at after a run (not compared by the test): printed so that they can be found. */
const ARTIFACTS = join(tmpdir(), 'cxr-search-artifacts', 'browser');
const available = existsSync(CHROMIUM);
if (!available) console.log(`SKIP: browser test — no Chromium at ${CHROMIUM} (apt-get install chromium; .ci/run does)`);

const PHONE = { width: 390, height: 844 };
const WIDE = { width: 1400, height: 900 };
/** The no-break space the page writes before "%". */
const NBSP = '\u00a0';

/**
 * The essentials of an accessibility check, run in the page (axe-core is not a dependency of this project; it would
 * check far more): every image has alt text, every visible control an accessible name, no positive tabindex, and
 * visible text at WCAG AA contrast (4.5:1; 3:1 for large text) against its nearest opaque background.
 */
function accessibilityProblems(): string[] {
  const problems: string[] = [];
  const visible = (node: Element) =>
    node.getClientRects().length > 0 && getComputedStyle(node).visibility !== 'hidden' && !node.closest('[hidden]');
  const describe = (node: Element) =>
    `${node.tagName.toLowerCase()}${node.id ? `#${node.id}` : ''}${node.className && typeof node.className === 'string' ? `.${node.className.split(' ')[0]}` : ''} "${(node.textContent ?? '').trim().slice(0, 40)}"`;
  for (const image of document.querySelectorAll('img')) {
    if (!(image.getAttribute('alt') ?? '').trim()) problems.push(`image without alt text: ${image.src}`);
  }
  const nameOf = (node: Element): string => {
    const labelledBy = node.getAttribute('aria-labelledby');
    if (labelledBy)
      return labelledBy
        .split(/\s+/)
        .map((id) => document.getElementById(id)?.textContent ?? '')
        .join(' ')
        .trim();
    const direct = node.getAttribute('aria-label') ?? '';
    if (direct.trim()) return direct.trim();
    if (node.id) {
      const label = document.querySelector(`label[for="${CSS.escape(node.id)}"]`);
      if (label?.textContent?.trim()) return label.textContent.trim();
    }
    const wrapping = node.closest('label');
    if (wrapping?.textContent?.trim()) return wrapping.textContent.trim();
    if (['BUTTON', 'A', 'SUMMARY'].includes(node.tagName)) {
      const text = (node.textContent ?? '').trim();
      const alts = [...node.querySelectorAll('img')].map((i) => i.alt).join(' ');
      if ((text + alts).trim()) return (text + alts).trim();
    }
    return (node.getAttribute('title') ?? '').trim();
  };
  const controls = document.querySelectorAll(
    'button, a[href], input:not([type="hidden"]), select, textarea, [tabindex]:not([tabindex="-1"]), [role="img"]',
  );
  for (const control of controls) {
    if (visible(control) && nameOf(control) === '') problems.push(`control without a name: ${describe(control)}`);
  }
  for (const node of document.querySelectorAll('[tabindex]')) {
    if ((node as HTMLElement).tabIndex > 0) problems.push(`positive tabindex: ${describe(node)}`);
  }
  const rgba = (colour: string) => {
    const [r = 0, g = 0, b = 0, a = 1] = (colour.match(/[\d.]+/g) ?? []).map(Number);
    return { r, g, b, a: colour.startsWith('rgba') ? a : 1 };
  };
  const luminance = ({ r, g, b }: { r: number; g: number; b: number }) => {
    const channel = (v: number) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const background = (node: Element | null) => {
    for (let at = node; at; at = at.parentElement) {
      const colour = rgba(getComputedStyle(at).backgroundColor);
      if (colour.a >= 0.99) return colour;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  for (const node of document.querySelectorAll('body *')) {
    const ownText = [...node.childNodes].some((child) => child.nodeType === 3 && (child.textContent ?? '').trim());
    if (!ownText || !visible(node) || ['OPTION', 'SCRIPT', 'STYLE'].includes(node.tagName)) continue;
    const style = getComputedStyle(node);
    const [lighter, darker] = [luminance(rgba(style.color)), luminance(background(node))].sort((a, b) => b - a);
    const ratio = ((lighter as number) + 0.05) / ((darker as number) + 0.05);
    const size = Number.parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) problems.push(`contrast ${ratio.toFixed(2)}:1 for ${describe(node)}`);
  }
  return problems;
}

const cardIds = (page: Page) =>
  page.$$eval('.card', (cards) => cards.map((card) => (card as HTMLElement).dataset.id ?? ''));
const statusSettled = (page: Page) =>
  page.waitForFunction(() => !/Searching/.test(document.querySelector('#status')?.textContent ?? ''));
const facetValues = (page: Page, name: string) =>
  page.$$eval(`#facets section[aria-labelledby="facet-${name}"] button span:first-child`, (spans) =>
    spans.map((span) => span.textContent ?? ''),
  );

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
    console.log(`browser test screenshots: ${ARTIFACTS}`);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
    await engine?.close();
  });

  it('type a query and see matching results; drop an image and see results with its reading; open a detail view', async () => {
    const page = await browser.newPage({ viewport: WIDE });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(base);
    await page.waitForSelector('.card'); // the opening browse
    expect(await page.evaluate(accessibilityProblems)).toEqual([]);

    await page.fill('#q', 'left lower lobe effusion');
    await page.press('#q', 'Enter');
    await page.waitForFunction(() => /understood|No images/.test(document.querySelector('#status')?.textContent ?? ''));
    const shown = await cardIds(page);
    const expected = await engine.search({ text: 'left lower lobe effusion', k: 40 });
    expect(shown.length).toBeGreaterThan(0);
    expect(shown).toEqual(expected.hits.map((hit) => hit.imageId));
    expect(await page.textContent('#status')).toContain('understood: pleural effusion in the left lower lobe');
    expect(new URL(page.url()).searchParams.get('q')).toBe('left lower lobe effusion');
    // One confidence a card (the hit's, as the API computes it), in a radiologist's words.
    const metas = await page.$$eval('.card .meta', (nodes) => nodes.map((node) => node.textContent ?? ''));
    expect(metas.every((meta) => meta.match(/%/g)?.length === 1)).toBe(true);
    expect(metas[0]).toContain(
      `read by the model (${Math.round((expected.hits[0]?.confidence.probability ?? 0) * 100)}${NBSP}%)`,
    );
    // The titles are sentences, never the cascade's tokens.
    const titles = await page.$$eval('.card .annotation', (nodes) => nodes.map((node) => node.textContent ?? ''));
    for (const title of titles) expect(title).toMatch(/^[A-Z][^_]*$/);
    // Facets count these hits: a location is offered only when one of them has it.
    const located = new Set(expected.hits.flatMap((hit) => hit.generated.locations));
    for (const value of await facetValues(page, 'location')) expect(located.has(value.toLowerCase())).toBe(true);
    const views = await page.$$eval('#facets button .count', (nodes) => nodes.map((n) => Number(n.textContent)));
    expect(Math.max(...views)).toBeLessThanOrEqual(shown.length);
    await page.screenshot({ path: join(ARTIFACTS, 'wide-text-search.png') });

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
    expect(await page.textContent('#query-reading')).toMatch(/^[A-Z].* — read by the model \(\d+\u00a0%\)$/);
    // The sample bundle has the per-finding head: the reading lists its other findings, not class alternatives.
    expect(await page.textContent('#query-findings')).toMatch(/^other findings: /);
    await page.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('image search'));
    expect(await page.$$eval('.card', (cards) => cards.length)).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, 'wide-image-search.png') });

    await page.focus('.card');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#detail[open] #report');
    expect(await page.textContent('#detail #generated')).toMatch(/^[A-Z]/);
    expect(await page.$('#detail #findings')).not.toBeNull(); // the head's calibrated findings
    expect(await page.$$eval('#detail .neighbours img', (imgs) => imgs.length)).toBe(8);
    // Study details: what the index stores, and a plain word for what it does not.
    const study = await page.textContent('#study-details');
    expect(study).toContain('Synthetic sample');
    expect(study).toContain('not stored in this index');
    await page.waitForSelector('#detail canvas[data-ready="true"]');
    expect(await page.evaluate(accessibilityProblems)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'wide-detail.png') });
    await page.keyboard.press('m'); // more like this
    await page.waitForFunction(() => document.querySelector('#query-image p')?.textContent?.startsWith('More like'));
    expect(new URL(page.url()).searchParams.get('like')).toMatch(/^sample:/);
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it('the detail view: zoom, pan and window / level on the full image, on a canvas', async () => {
    const page = await browser.newPage({ viewport: WIDE });
    await page.goto(base);
    await page.waitForSelector('.card');
    await page.click('.card');
    await page.waitForSelector('#detail canvas[data-ready="true"]');
    const canvas = '#detail canvas';
    /** The grey value at the canvas's centre, as drawn. */
    const centre = () =>
      page.$eval(canvas, (node) => {
        const c = node as HTMLCanvasElement;
        return c.getContext('2d')?.getImageData(c.width >> 1, c.height >> 1, 1, 1).data[0] ?? -1;
      });
    const before = await centre();
    await page.click('#detail button[aria-label="Zoom in"]');
    expect(await page.getAttribute(canvas, 'data-zoom')).toBe('1.50');
    await page.focus(canvas);
    await page.keyboard.press('+');
    expect(await page.getAttribute(canvas, 'data-zoom')).toBe('2.25');
    // A narrow window at a low level whitens what was mid grey; Invert turns it round.
    await page.$eval('#detail input[name="window"]', (input) => {
      (input as HTMLInputElement).value = '16';
      input.dispatchEvent(new Event('input'));
    });
    await page.$eval('#detail input[name="level"]', (input) => {
      (input as HTMLInputElement).value = '0';
      input.dispatchEvent(new Event('input'));
    });
    expect(await page.getAttribute(canvas, 'data-window')).toBe('16');
    const windowed = await centre();
    expect(before).toBeLessThan(250); // the sample's centre is not white to begin with
    expect(windowed).toBe(255);
    await page.check('#detail input[name="invert"]');
    expect(await centre()).toBe(0);
    // Dragging pans (the image moves under the pointer); 0 resets everything.
    const box = await page.$eval(canvas, (node) => node.getBoundingClientRect().toJSON());
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 80, box.y + box.height / 2, { steps: 4 });
    await page.mouse.up();
    await page.focus(canvas);
    await page.keyboard.press('0');
    expect(await page.getAttribute(canvas, 'data-zoom')).toBe('1.00');
    expect(await page.getAttribute(canvas, 'data-window')).toBe('256');
    expect(await centre()).toBe(before);
    await page.close();
  }, 60_000);

  it('on a phone (390 × 844, and 360 wide) nothing is cut off and the detail view fills the screen', async () => {
    const page = await browser.newPage({ viewport: PHONE });
    await page.goto(`${base}/?q=effusion`);
    await page.waitForSelector('.card');
    const fits = () =>
      page.evaluate(() => {
        const right = (selector: string) => document.querySelector(selector)?.getBoundingClientRect().right ?? 1e9;
        return {
          page: document.documentElement.scrollWidth,
          search: right('#search-form button[type="submit"]'),
          drop: right('#drop'),
          card: right('.card'),
        };
      });
    for (const value of Object.values(await fits())) expect(value).toBeLessThanOrEqual(PHONE.width);
    expect(await page.evaluate(accessibilityProblems)).toEqual([]);
    // The filters fold away behind a button on a phone.
    expect(await page.isVisible('#facets')).toBe(false);
    await page.click('#filters-toggle');
    expect(await page.isVisible('#facets')).toBe(true);
    expect(await page.getAttribute('#filters-toggle', 'aria-expanded')).toBe('true');
    await page.screenshot({ path: join(ARTIFACTS, 'phone-results.png'), fullPage: true });
    await page.click('.card');
    await page.waitForSelector('#detail canvas[data-ready="true"]');
    const canvasWidth = await page.$eval('#detail canvas', (node) => node.getBoundingClientRect().width);
    expect(canvasWidth).toBeGreaterThan(PHONE.width * 0.85);
    expect(await page.evaluate(() => document.querySelector('#detail')?.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    expect(await page.evaluate(accessibilityProblems)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'phone-detail.png') });
    await page.setViewportSize({ width: 360, height: 740 });
    await page.click('#detail .close');
    for (const value of Object.values(await fits())) expect(value).toBeLessThanOrEqual(360);
    await page.close();
  }, 60_000);

  it('the search is in the URL: filters as chips, Back and Forward step through searches, a link reproduces one', async () => {
    const page = await browser.newPage({ viewport: WIDE });
    await page.goto(`${base}/?q=effusion`);
    await page.waitForSelector('.card');
    const firstIds = await cardIds(page);
    // A facet narrows the search and becomes a removable chip.
    const side = await page.$('#facets section[aria-labelledby="facet-disease"] button');
    expect(side).not.toBeNull();
    const value = await side?.$eval('span', (span) => span.textContent ?? '');
    await side?.click();
    await page.waitForSelector('#chips .chip[data-filter="disease"]');
    await statusSettled(page);
    expect(new URL(page.url()).searchParams.get('disease')).toBe(value?.toLowerCase());
    expect(await page.textContent('#chips .chip')).toContain(`Finding: ${value}`);
    expect(await page.evaluate(accessibilityProblems)).toEqual([]);
    const narrowed = await cardIds(page);
    await page.screenshot({ path: join(ARTIFACTS, 'wide-chips.png') });
    // A link reproduces the search, in a page of its own.
    const link = page.url();
    const other = await browser.newPage({ viewport: WIDE });
    await other.goto(link);
    await other.waitForSelector('#chips .chip');
    await statusSettled(other);
    expect(await cardIds(other)).toEqual(narrowed);
    expect(await other.inputValue('#q')).toBe('effusion');
    await other.close();
    // Removing the chip is a step of its own; Back brings the filter back, Back again the search before.
    await page.click('#chips .chip');
    await page.waitForFunction(() => document.querySelector('#chips')?.children.length === 0);
    await statusSettled(page);
    expect(new URL(page.url()).searchParams.get('disease')).toBeNull();
    await page.goBack();
    await page.waitForSelector('#chips .chip[data-filter="disease"]');
    await statusSettled(page);
    expect(await cardIds(page)).toEqual(narrowed);
    await page.click('#clear-filters');
    await page.waitForFunction(() => document.querySelector('#chips')?.children.length === 0);
    await statusSettled(page);
    expect(await cardIds(page)).toEqual(firstIds);
    await page.goBack();
    await page.waitForSelector('#chips .chip');
    await page.goForward();
    await page.waitForFunction(() => document.querySelector('#chips')?.children.length === 0);
    // The opened image is in the URL too: Back closes it, Forward opens it again, a link opens it.
    await page.click('.card');
    await page.waitForSelector('#detail[open]');
    const opened = new URL(page.url()).searchParams.get('open');
    expect(opened).toBe(firstIds[0]);
    await page.goBack();
    await page.waitForFunction(() => !(document.querySelector('#detail') as HTMLDialogElement).open);
    await page.goForward();
    await page.waitForFunction(() => (document.querySelector('#detail') as HTMLDialogElement).open);
    expect(await page.getAttribute('#detail', 'data-id')).toBe(opened);
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('open') === null);
    const shared = await browser.newPage({ viewport: WIDE });
    await shared.goto(`${base}/?q=effusion&open=${encodeURIComponent(opened ?? '')}`);
    await shared.waitForSelector('#detail[open] #report');
    expect(await shared.getAttribute('#detail', 'data-id')).toBe(opened);
    await shared.close();
    await page.close();
  }, 90_000);

  it('facets: none for a query with no hits; the split facet only when asked for', async () => {
    const page = await browser.newPage({ viewport: WIDE });
    await page.goto(`${base}/?q=xyzzy`);
    await page.waitForFunction(() => document.querySelector('#status')?.textContent === 'No images match.');
    expect(await page.$$('#facets button')).toHaveLength(0);
    expect(await page.textContent('#facets')).toContain('No results to count.');
    await page.goto(`${base}/?q=effusion`);
    await page.waitForSelector('.card');
    expect(await page.$('#facet-split')).toBeNull();
    await page.goto(`${base}/?q=effusion+split:train`);
    await page.waitForSelector('#facet-split');
    expect(await facetValues(page, 'split')).toEqual(['Train']);
    await page.close();
  }, 60_000);

  it('a failed upload clears itself and says why in the error style; the next text search works', async () => {
    const page = await browser.newPage({ viewport: WIDE });
    await page.goto(base);
    await page.waitForSelector('.card');
    await page.setInputFiles('#file', {
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('not an x-ray'),
    });
    await page.waitForSelector('#status.error');
    expect(await page.textContent('#status')).toMatch(/could not be used as a search image: .*\(IMAGE_UNSUPPORTED\)/);
    expect(await page.getAttribute('#status', 'role')).toBe('alert');
    const colours = await page.$eval('#status', (node) => {
      const style = getComputedStyle(node);
      const probe = document.createElement('span');
      probe.style.color = 'var(--error)';
      document.body.append(probe);
      const error = getComputedStyle(probe).color;
      probe.remove();
      return { colour: style.color, error };
    });
    expect(colours.colour).toBe(colours.error); // the #status rule no longer hides the error's colour
    expect(await page.evaluate(accessibilityProblems)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'wide-upload-error.png') });
    expect(await page.isVisible('#query-image')).toBe(false);
    await page.fill('#q', 'effusion');
    await page.press('#q', 'Enter');
    await page.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('understood'));
    expect(await page.$('#status.error')).toBeNull();
    expect((await cardIds(page)).length).toBeGreaterThan(0);
    await page.close();
  }, 60_000);

  it('keyboard: a skip link reaches the results, arrow keys move in the grid, focus is visible', async () => {
    const page = await browser.newPage({ viewport: WIDE });
    await page.goto(base);
    await page.waitForSelector('.card');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to results');
    await page.keyboard.press('Enter');
    const ids = await cardIds(page);
    const focused = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.id);
    expect(await focused()).toBe(ids[0]);
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle);
    expect(outline).toBe('solid');
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toBe(ids[1]);
    const columns = await page.$$eval('.card', (cards) => {
      const top = cards[0]?.getBoundingClientRect().top;
      return cards.filter((card) => card.getBoundingClientRect().top === top).length;
    });
    expect(columns).toBeGreaterThan(1);
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe(ids[1 + columns]);
    await page.keyboard.press('ArrowLeft');
    expect(await focused()).toBe(ids[columns]);
    await page.keyboard.press('End');
    expect(await focused()).toBe(ids.at(-1));
    // The grid is one tab stop: Tab leaves it for what follows, not for the next card.
    expect(await page.$$eval('.card[tabindex="0"]', (cards) => cards.length)).toBe(1);
    await page.close();
  }, 60_000);

  it('the training report: charts with axes, ticks, units and legends; warnings for tiny test sets', async () => {
    const report = join(engine.index.bundleDir, REPORT_FILE);
    const page = await browser.newPage({ viewport: WIDE });
    await page.goto(pathToFileURL(report).href);
    const charts = await page.$$eval('svg[role="img"]', (svgs) =>
      svgs.map((svg) => ({
        name: svg.getAttribute('aria-label'),
        axes: svg.querySelectorAll('.axis-title').length,
        ticks: svg.querySelectorAll('.tick').length,
        legend: svg.closest('figure')?.querySelectorAll('.legend li').length ?? 0,
      })),
    );
    expect(charts.length).toBeGreaterThanOrEqual(4); // CNN loss, RNN loss, BLEU, ROC
    for (const chart of charts) {
      expect(chart.axes, `${chart.name}: axis titles`).toBe(2);
      expect(chart.ticks, `${chart.name}: ticks`).toBeGreaterThanOrEqual(6);
      expect(chart.legend, `${chart.name}: legend`).toBeGreaterThan(0);
    }
    // The sample's test split is tiny: the report says so rather than show a bare AUROC.
    expect(await page.textContent('#warnings')).toMatch(/fewer than 10 positives/);
    await page.screenshot({ path: join(ARTIFACTS, 'training-report.png'), fullPage: true });
    await page.close();
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
      // The card's reading is "Normal"; the figure is the matched finding's, so the card names it.
      expect(await page.$$eval('.card .meta', (nodes) => nodes.map((n) => n.textContent))).toEqual([
        `Pneumonia read by the model (77${NBSP}%)`,
      ]);
      expect(await page.textContent('.card .annotation')).toBe('Normal');
      await page.fill('#q', 'effusion');
      await page.press('#q', 'Enter');
      await page.waitForSelector('.card[data-id="hand:a"]');
      expect(await page.textContent('.card[data-id="hand:a"] .annotation')).toBe('Small left pleural effusion');
      expect(await page.textContent('.card[data-id="hand:a"] .meta')).toBe(`read by the model (91${NBSP}%)`);
      await page.click('.card[data-id="hand:a"]');
      await page.waitForSelector('#detail[open] #findings');
      expect(await page.textContent('#detail #findings')).toBe(`nodule 30${NBSP}%`);
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
      expect(await page.textContent('.card[data-id="hand:r"] .why')).toBe('Matched in the report');
      expect(await page.textContent('.card[data-id="hand:r"] .from-report')).toBe(
        'From the report: small left pleural effusion',
      );
      await page.click('.card[data-id="hand:r"]');
      await page.waitForSelector('#detail[open] #truth-source');
      expect(await page.textContent('#detail #truth-source')).toBe('From the report');
      expect(await page.textContent('#detail #truth')).toBe('Small left pleural effusion');
      // An image whose dataset states its findings keeps the collection's labels column.
      await page.evaluate(() => (document.querySelector('#detail') as HTMLDialogElement).close());
      await page.fill('#q', 'cardiomegaly');
      await page.press('#q', 'Enter');
      await page.waitForSelector('.card[data-id="hand:s"]');
      expect(await page.$('.card[data-id="hand:s"] .from-report')).toBeNull();
      await page.click('.card[data-id="hand:s"]');
      await page.waitForFunction(() => document.querySelector('#detail')?.getAttribute('data-id') === 'hand:s');
      expect(await page.textContent('#detail #truth-source')).toBe("The collection's labels");
    } finally {
      await page.close();
      own.close();
      await synthetic.close();
    }
  }, 60_000);
});
