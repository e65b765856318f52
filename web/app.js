// The search page: plain JavaScript over the HTTP API (no framework, no CDN; works offline).
import { alsoRead, hasHead, otherFindings, percent, readingFigure } from './figures.js';

// `preview`: a promise of the dropped image's object URL (see previewOf).
const state = { q: '', filters: {}, image: null, like: null, preview: null };
const $ = (selector) => document.querySelector(selector);
const FACETS = ['disease', 'side', 'location', 'severity', 'view', 'split', 'dataset'];

const words = (sequence) => sequence.map((w) => w.replace(/_/g, ' ')).join(' ');

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (value !== undefined && value !== null && value !== false)
      node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
  return node;
}

async function api(path, options) {
  const response = await fetch(path, options);
  const body = await response.json();
  if (!response.ok)
    throw new Error(`${body.error?.code ?? response.status}: ${body.error?.message ?? 'request failed'}`);
  return body;
}

function searchParams(extra = { k: '40' }) {
  const params = new URLSearchParams({ q: state.q, ...extra });
  for (const [key, value] of Object.entries(state.filters)) params.set(key, value);
  return params;
}

async function search() {
  $('#status').textContent = 'Searching…';
  $('#status').classList.remove('error');
  try {
    let response;
    if (state.image) {
      const form = new FormData();
      form.append('image', state.image);
      form.append('q', state.q);
      form.append('filters', JSON.stringify(state.filters));
      form.append('k', '40');
      response = await api('/api/search/image', { method: 'POST', body: form });
    } else {
      response = await api(`/api/search?${searchParams(state.like ? { k: '40', like: state.like } : undefined)}`);
    }
    renderQueryImage(response);
    renderHits(response);
    await renderFacets();
  } catch (error) {
    $('#status').textContent = error.message;
    $('#status').classList.add('error');
  }
}

function describePlan(response) {
  const plan = response.plan;
  const parts = [`${response.hits.length} images`];
  if (plan.text) parts.push(`${plan.text.candidates} match the text`);
  if (plan.image) parts.push(`image search: ${plan.image.strategy}`);
  const parse = response.parse;
  const understood = parse.concepts.map(
    (c) => `${c.negated ? 'not ' : ''}${[c.side, c.severity, c.disease, ...c.locations].filter(Boolean).join(' ')}`,
  );
  if (understood.length > 0 || parse.words.length > 0)
    parts.push(`understood: ${[...understood, ...parse.words.map((w) => `“${w}”`)].join(', ')}`);
  for (const u of parse.unheld ?? []) {
    const nearest = u.nearest.length > 0 ? ` (nearest it holds: ${u.nearest.join(', ')})` : '';
    parts.push(`this index holds no finding of ${u.concept}${nearest}`);
  }
  parts.push(`${response.timings.totalMs} ms`);
  return parts.join(' · ');
}

/** Whose finding matched, as a reader says it: the dataset states it, the cascade generated it, or its report says it. */
const SOURCE_NAMES = { truth: 'stated finding', generated: 'generated finding', report: 'finding from the report' };
/** Where a free word matched: `report` is what a report affirms, `report_doubted` what it only hedges. */
const FIELD_NAMES = { report_doubted: 'report (doubted)' };
/** A MeSH-style string for reading: `Pleural Effusion/left/small` → `Pleural Effusion, left, small`. */
const readable = (annotation) => annotation.split('/').join(', ');

function renderHits(response) {
  $('#status').textContent = response.hits.length === 0 ? 'No images match.' : describePlan(response);
  const list = $('#results');
  list.replaceChildren(
    ...response.hits.map((hit) => {
      const why = [
        ...hit.why.concepts.map(
          (c) =>
            `${c.sources.map((s) => SOURCE_NAMES[s] ?? s).join(' + ') || 'no finding'}${c.location ? ', same place' : ''}`,
        ),
        ...hit.why.words.map((w) => `“${w.word}” in ${w.fields.map((f) => FIELD_NAMES[f] ?? f).join(', ')}`),
        hit.why.distance !== undefined ? `distance ${hit.why.distance.toFixed(3)}` : null,
      ].filter(Boolean);
      return el(
        'li',
        {},
        el(
          'button',
          { class: 'card', type: 'button', 'data-id': hit.imageId, onclick: () => openDetail(hit.imageId) },
          el('img', {
            src: `/api/images/${encodeURIComponent(hit.imageId)}/thumbnail`,
            alt: words(hit.generated.sequence),
            loading: 'lazy',
          }),
          el('p', { class: 'annotation' }, words(hit.generated.sequence)),
          el(
            'p',
            { class: 'meta' },
            // One confidence a card: the matched (else the class's) finding's calibrated probability; see hitConfidence.
            `${hit.confidence.finding} · ${percent(hit.confidence.probability)} sure · ${hit.imageId}`,
          ),
          el('p', { class: 'why' }, why.join(' · ')),
          (hit.fromReport ?? []).length > 0
            ? el('p', { class: 'from-report' }, `from the report: ${hit.fromReport.map(readable).join('; ')}`)
            : null,
        ),
      );
    }),
  );
}

function renderQueryImage(response) {
  const box = $('#query-image');
  if (!state.image && !state.like) {
    box.hidden = true;
    return;
  }
  const picture = state.image
    ? queryPreview()
    : el('img', { src: `/api/images/${encodeURIComponent(state.like)}/thumbnail`, alt: 'query image' });
  const reading = response.queryAnnotation;
  box.replaceChildren(
    picture,
    el(
      'div',
      {},
      el(
        'p',
        { class: 'meta' },
        state.image ? 'Searching by this image. The model reads it as:' : `More like ${state.like}`,
      ),
      reading
        ? el(
            'p',
            { class: 'annotation', id: 'query-reading' },
            `${words(reading.sequence)} (${reading.disease} ${percent(readingFigure(reading))})`,
          )
        : null,
      reading ? el('p', { class: 'meta', id: 'query-findings' }, alsoRead(reading)) : null,
    ),
  );
  box.hidden = false;
}

async function renderFacets() {
  const facets = await api(`/api/facets?${searchParams({})}`);
  $('#facets').replaceChildren(
    ...FACETS.filter((name) => (facets[name] ?? []).length > 0).map((name) =>
      el(
        'div',
        {},
        el('h2', {}, name),
        el(
          'ul',
          {},
          ...facets[name].slice(0, 12).map((row) =>
            el(
              'li',
              {},
              el(
                'button',
                {
                  type: 'button',
                  'aria-pressed': state.filters[name] === row.value ? 'true' : 'false',
                  onclick: () => {
                    if (state.filters[name] === row.value) delete state.filters[name];
                    else state.filters[name] = row.value;
                    search();
                  },
                },
                el('span', {}, row.value),
                el('span', {}, String(row.count)),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

/** A row of the detail table: the cascade's reading of one field beside the ground truth's. */
function comparisonRow(label, generated, truth, ids = {}) {
  return el(
    'tr',
    {},
    el('th', {}, label),
    el('td', { id: ids.generated }, generated),
    el('td', { id: ids.truth }, truth),
  );
}

async function openDetail(id) {
  const dialog = $('#detail');
  try {
    const entry = await api(`/api/images/${encodeURIComponent(id)}`);
    const g = entry.generated;
    // The collection's own reading: its stated annotations, or (when it states none) what its report says.
    const reported = entry.truth.annotations.length === 0 && (entry.fromReport?.annotations ?? []).length > 0;
    const own = reported ? entry.fromReport : entry.truth;
    // One field of those findings, listed ('—' when none states it).
    const stated = (field) => own.findings.flatMap(field).filter(Boolean).join(', ') || '—';
    dialog.replaceChildren(
      el(
        'div',
        { class: 'detail' },
        el('img', { class: 'full', src: `/api/images/${encodeURIComponent(id)}/full`, alt: words(g.sequence) }),
        el(
          'div',
          {},
          el('h2', {}, id),
          el(
            'table',
            {},
            el(
              'tr',
              {},
              el('th', {}, ''),
              el('th', {}, 'generated (the cascade)'),
              el('th', { id: 'truth-source' }, reported ? 'from the report' : 'ground truth'),
            ),
            comparisonRow('annotation', words(g.sequence), own.annotations.map(readable).join('; ') || '—', {
              generated: 'generated',
              truth: 'truth',
            }),
            comparisonRow(
              'disease',
              `${g.disease} (${percent(readingFigure(g))})`,
              stated((f) => f.disease),
            ),
            hasHead(g)
              ? comparisonRow('other findings', otherFindings(g).join(', ') || '—', '', { generated: 'findings' })
              : null,
            comparisonRow(
              'side',
              g.side ?? '—',
              stated((f) => f.side),
            ),
            comparisonRow(
              'severity',
              g.severity ?? '—',
              stated((f) => f.severity),
            ),
            comparisonRow(
              'location',
              g.locations.join(', ') || '—',
              stated((f) => f.locations),
            ),
          ),
          hasHead(g) ? null : el('p', { class: 'meta' }, alsoRead(g)),
          el('h3', {}, 'Report'),
          el('p', { id: 'report' }, entry.report ?? 'No report.'),
          el('h3', {}, 'Nearest images'),
          el(
            'div',
            { class: 'neighbours' },
            ...entry.neighbours.map((n) =>
              el(
                'button',
                {
                  type: 'button',
                  class: 'plain',
                  title: words(n.generated.sequence),
                  onclick: () => openDetail(n.imageId),
                },
                el('img', {
                  src: `/api/images/${encodeURIComponent(n.imageId)}/thumbnail`,
                  alt: words(n.generated.sequence),
                }),
              ),
            ),
          ),
          el(
            'p',
            {},
            el('button', { type: 'button', id: 'more-like-this', onclick: () => moreLikeThis(id) }, 'More like this'),
            ' ',
            el('button', { type: 'button', onclick: () => dialog.close() }, 'Close'),
          ),
        ),
      ),
    );
    dialog.dataset.id = id;
    if (!dialog.open) dialog.showModal();
  } catch (error) {
    $('#status').textContent = error.message;
  }
}

function moreLikeThis(id) {
  $('#detail').close();
  state.like = id;
  state.image = null;
  $('#clear-image').hidden = false;
  search();
}

/**
 * A dropped image as the page can show it: the file itself (PNG, JPEG), or for a DICOM, which no browser displays,
 * the server's PNG of it (decoded as the model reads it: windowed, MONOCHROME1 inverted).
 */
async function previewOf(file) {
  const magic = new Uint8Array(await file.slice(128, 132).arrayBuffer());
  if (String.fromCharCode(...magic) !== 'DICM') return URL.createObjectURL(file);
  const form = new FormData();
  form.append('image', file);
  const response = await fetch('/api/preview', { method: 'POST', body: form });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw new Error(`${body.error?.code ?? response.status}: ${body.error?.message ?? 'no preview'}`);
  }
  return URL.createObjectURL(await response.blob());
}

/** The dropped image once its preview is ready; if there is none, why, in its place (never a broken image). */
function queryPreview() {
  const img = el('img', { alt: 'query image' });
  state.preview.then(
    (url) => {
      img.src = url;
    },
    (error) => img.replaceWith(el('p', { class: 'meta', id: 'query-preview-error' }, `No preview: ${error.message}`)),
  );
  return img;
}

function useImage(file) {
  if (!file) return;
  state.preview?.then((url) => URL.revokeObjectURL(url)).catch(() => {});
  state.preview = previewOf(file);
  state.preview.catch(() => {}); // its failure is shown where the preview goes
  state.image = file;
  state.like = null;
  $('#clear-image').hidden = false;
  search();
}

async function loadSuggestions() {
  const vocabulary = await api('/api/vocabulary');
  const options = [
    ...vocabulary.examples,
    ...vocabulary.diseases,
    ...vocabulary.diseases.flatMap((d) => (d === 'normal' ? [] : [`left ${d}`, `right ${d}`])),
    ...Object.keys(vocabulary.abbreviations).map((a) => a.toUpperCase()),
  ];
  $('#suggestions').replaceChildren(...[...new Set(options)].map((value) => el('option', { value })));
}

function wire() {
  $('#search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    state.q = $('#q').value;
    search();
  });
  const drop = $('#drop');
  drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('over');
    useImage(event.dataTransfer.files[0]);
  });
  $('#choose').addEventListener('click', () => $('#file').click());
  $('#file').addEventListener('change', (event) => useImage(event.target.files[0]));
  $('#clear-image').addEventListener('click', () => {
    state.image = null;
    state.like = null;
    $('#clear-image').hidden = true;
    search();
  });
  document.addEventListener('keydown', (event) => {
    const typing = ['INPUT', 'TEXTAREA'].includes(document.activeElement?.tagName);
    if (event.key === '/' && !typing) {
      event.preventDefault();
      $('#q').focus();
    }
    if (event.key === 'm' && !typing && $('#detail').open) moreLikeThis($('#detail').dataset.id);
    if ((event.key === 'ArrowRight' || event.key === 'ArrowLeft') && !typing && !$('#detail').open) {
      const cards = [...document.querySelectorAll('.card')];
      const at = cards.indexOf(document.activeElement);
      const next = cards[Math.max(0, Math.min(cards.length - 1, at + (event.key === 'ArrowRight' ? 1 : -1)))];
      next?.focus();
    }
  });
}

wire();
loadSuggestions().catch(() => {});
search();
