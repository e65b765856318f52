// The search page: plain JavaScript over the HTTP API (no framework, no CDN; works offline).
import { alsoRead, hasHead, otherFindings, percent, readingFigure } from './figures.js';
import { stateFromUrl, urlOf } from './url-state.js';
import { createViewer } from './viewer.js';
import {
  annotationPhrase,
  collectionName,
  conceptPhrase,
  DEFAULT_VOCABULARY,
  diseaseWords,
  FACET_NAMES,
  facetValue,
  findingPhrase,
  readByModel,
  readingPhrase,
  SOURCE_WORDS,
  sentence,
} from './wording.js';

/**
 * What is searched: `image` an uploaded File (never in the URL), `like` an indexed image's id, `open` the detail's;
 * `preview` a promise of the dropped image's object URL (see previewOf).
 */
const state = { q: '', filters: {}, image: null, like: null, open: null, preview: null };
const $ = (selector) => document.querySelector(selector);
/** The facets offered, in this order; `split` (train / test) only when the search asks for it. */
const FACETS = ['disease', 'side', 'location', 'severity', 'view', 'dataset', 'split'];
let vocabulary = DEFAULT_VOCABULARY;
/** Each search is numbered: an answer that arrives after a newer search started is dropped. */
let searches = 0;

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

/** An API answer, or an Error whose message says what went wrong and whose `code` is the catalogue's. */
async function api(path, options) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(body.error?.message ?? `the server answered ${response.status}`);
    error.code = body.error?.code ?? String(response.status);
    throw error;
  }
  return body;
}

function searchParams(extra = { k: '40' }) {
  const params = new URLSearchParams({ q: state.q, ...extra });
  for (const [key, value] of Object.entries(state.filters)) params.set(key, value);
  return params;
}

function showStatus(text, isError = false) {
  const status = $('#status');
  status.textContent = text;
  status.classList.toggle('error', isError);
  status.setAttribute('role', isError ? 'alert' : 'status');
}

/** A change of search the user made: it becomes a new history entry (Back returns to the one before). */
function go(change) {
  Object.assign(state, change);
  // The same search again (Enter twice) is not a step of its own.
  if (urlOf(state) !== location.search) history.pushState(null, '', urlOf(state) || location.pathname);
  search();
}

async function search() {
  const number = ++searches;
  // The address bar follows the search (an upload drops the image-query id it replaced).
  if (urlOf(state) !== location.search) history.replaceState(null, '', urlOf(state) || location.pathname);
  showStatus('Searching…');
  renderChips();
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
    if (number !== searches) return;
    renderQueryImage(response);
    renderHits(response);
    renderFacets(response.facets ?? {});
  } catch (error) {
    if (number !== searches) return;
    if (state.image) {
      // A file the server cannot read must not stick: every later search would fail with it.
      state.image = null;
      $('#clear-image').hidden = !state.like;
      $('#query-image').hidden = true;
      showStatus(
        `That file could not be used as a search image: ${error.message} (${error.code}). It was cleared.`,
        true,
      );
      return;
    }
    showStatus(`${error.message} (${error.code})`, true);
  }
}

function describePlan(response) {
  const plan = response.plan;
  const parts = [`${response.hits.length} ${response.hits.length === 1 ? 'image' : 'images'}`];
  if (plan.text) parts.push(`${plan.text.candidates} match the text`);
  if (plan.image) parts.push(`image search: ${plan.image.strategy}`);
  const parse = response.parse;
  const understood = parse.concepts.map(conceptPhrase);
  if (understood.length > 0 || parse.words.length > 0)
    parts.push(`understood: ${[...understood, ...parse.words.map((w) => `“${w}”`)].join(', ')}`);
  for (const u of parse.unheld ?? []) {
    const nearest = u.nearest.length > 0 ? ` (nearest it holds: ${u.nearest.join(', ')})` : '';
    parts.push(`this index holds no finding of ${u.concept}${nearest}`);
  }
  parts.push(`${response.timings.totalMs} ms`);
  return parts.join(' · ');
}

/** Where a free word matched: `report` is what a report affirms, `report_doubted` what it only hedges. */
const FIELD_NAMES = {
  generated: "the model's reading",
  truth: "the collection's labels",
  report: 'the report',
  report_doubted: 'the report (doubted)',
};

/** Why a hit matched, in words: which source states each concept, where each free word was found, how near an image. */
function whyWords(hit) {
  const matched = [
    ...hit.why.concepts.map(
      (c) =>
        `${c.sources.map((s) => SOURCE_WORDS[s] ?? s).join(' and ') || 'no finding'}${c.location ? ', where asked' : ''}`,
    ),
    ...hit.why.words.map((w) => `“${w.word}” in ${w.fields.map((f) => FIELD_NAMES[f] ?? f).join(', ')}`),
  ];
  return [
    matched.length > 0 ? `Matched ${[...new Set(matched)].join(' · ')}` : null,
    hit.why.distance !== undefined ? `image distance ${hit.why.distance.toFixed(3)}` : null,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** A record's collection, view and study, as a line under its title (the raw id only where nothing better exists). */
function studyLine(record) {
  const parts = [collectionName(record.dataset)];
  if (record.view) parts.push(`${record.view} view`);
  if (record.studyId) parts.push(`study ${record.studyId}`);
  return parts.length > 1 ? parts.join(' · ') : `${parts[0]} · ${record.imageId}`;
}

/** The card's figure: the model's probability of its reading, or of the finding the query matched when another. */
function confidenceWords(hit) {
  const own = hit.generated.disease.split(' + ')[0];
  const figure = readByModel(hit.confidence.probability);
  return hit.confidence.finding === own ? figure : `${sentence(diseaseWords(hit.confidence.finding))} ${figure}`;
}

function renderHits(response) {
  showStatus(response.hits.length === 0 ? 'No images match.' : describePlan(response));
  const list = $('#results');
  list.replaceChildren(
    ...response.hits.map((hit, i) => {
      const title = readingPhrase(hit.generated);
      return el(
        'li',
        {},
        el(
          'button',
          {
            class: 'card',
            type: 'button',
            'data-id': hit.imageId,
            tabindex: i === 0 ? '0' : '-1', // one tab stop for the grid: arrow keys move inside it
            onclick: () => openDetail(hit.imageId),
          },
          el('img', {
            src: `/api/images/${encodeURIComponent(hit.imageId)}/thumbnail`,
            alt: `Chest X-ray${hit.view ? `, ${hit.view} view` : ''}`,
            loading: 'lazy',
          }),
          el('span', { class: 'annotation' }, title),
          el('span', { class: 'meta' }, confidenceWords(hit)),
          el('span', { class: 'study' }, studyLine(hit)),
          el('span', { class: 'why' }, whyWords(hit)),
          (hit.truth ?? []).length > 0
            ? el(
                'span',
                { class: 'from-labels' },
                `Labels: ${hit.truth.map((a) => annotationPhrase(a, vocabulary)).join('; ')}`,
              )
            : null,
          (hit.fromReport ?? []).length > 0
            ? el(
                'span',
                { class: 'from-report' },
                `From the report: ${hit.fromReport.map((a) => annotationPhrase(a, vocabulary)).join('; ')}`,
              )
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
            `${readingPhrase(reading)} — ${readByModel(readingFigure(reading))}`,
          )
        : null,
      reading ? el('p', { class: 'meta', id: 'query-findings' }, alsoRead(reading)) : null,
    ),
  );
  box.hidden = false;
}

/** The split facet is a machine-learning detail: offered when the search names it, not otherwise. */
const asksForSplit = () => state.filters.split !== undefined || /(^|\s)-?split\s*:/i.test(state.q);

function setFilter(name, value) {
  const filters = { ...state.filters };
  if (value === undefined) delete filters[name];
  else filters[name] = value;
  go({ filters });
}

function renderFacets(facets) {
  const shown = FACETS.filter((name) => name !== 'split' || asksForSplit()).filter(
    (name) => (facets[name] ?? []).length > 0,
  );
  const total = $('#results').children.length;
  $('#facets').replaceChildren(
    el('p', { class: 'facet-scope' }, total === 0 ? 'No results to count.' : `Counts over the ${total} images shown.`),
    ...shown.map((name) =>
      el(
        'section',
        { 'aria-labelledby': `facet-${name}` },
        el('h2', { id: `facet-${name}` }, FACET_NAMES[name] ?? name),
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
                  onclick: () => setFilter(name, state.filters[name] === row.value ? undefined : row.value),
                },
                el('span', {}, facetValue(name, row.value)),
                el('span', { class: 'count' }, String(row.count)),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

/** The active filters as chips that remove themselves, and "Clear all". */
function renderChips() {
  const active = Object.entries(state.filters);
  const box = $('#chips');
  if (active.length === 0) {
    box.replaceChildren();
    return;
  }
  box.replaceChildren(
    el('span', { class: 'chips-label', id: 'chips-label' }, 'Filters:'),
    el(
      'ul',
      { class: 'chips', 'aria-labelledby': 'chips-label' },
      ...active.map(([name, value]) =>
        el(
          'li',
          {},
          el(
            'button',
            {
              type: 'button',
              class: 'chip',
              'data-filter': name,
              'aria-label': `Remove filter ${FACET_NAMES[name] ?? name}: ${facetValue(name, value)}`,
              onclick: () => setFilter(name, undefined),
            },
            `${FACET_NAMES[name] ?? name}: ${facetValue(name, value)}`,
            el('span', { 'aria-hidden': 'true', class: 'chip-x' }, ' ×'),
          ),
        ),
      ),
    ),
    el(
      'button',
      { type: 'button', id: 'clear-filters', class: 'link', onclick: () => go({ filters: {} }) },
      'Clear all',
    ),
  );
}

/** A row of the detail table: the cascade's reading of one field beside the collection's. */
function comparisonRow(label, generated, truth, ids = {}) {
  return el(
    'tr',
    {},
    el('th', { scope: 'row' }, label),
    el('td', { id: ids.generated }, generated),
    el('td', { id: ids.truth }, truth),
  );
}

/** What the index stores about the study; what it does not store is said, not left out. */
function studyDetails(entry) {
  const row = (term, value) => [el('dt', {}, term), el('dd', {}, value)];
  return el(
    'dl',
    { class: 'study-details', id: 'study-details' },
    row('Collection', collectionName(entry.dataset)),
    row('View', entry.view ?? 'not recorded'),
    row('Study', entry.studyId ?? 'not recorded'),
    row('Image id', entry.imageId),
    asksForSplit() && entry.split ? row('Split', entry.split) : null,
    row('Age, sex, study date', 'not stored in this index'),
  );
}

/** Opens an indexed image's detail; `record` false when the URL already names it (Back / Forward, a shared link). */
async function openDetail(id, record = true) {
  const dialog = $('#detail');
  try {
    const entry = await api(`/api/images/${encodeURIComponent(id)}`);
    const g = entry.generated;
    // The collection's own reading: its stated annotations, or (when it states none) what its report says.
    const reported = entry.truth.annotations.length === 0 && (entry.fromReport?.annotations ?? []).length > 0;
    const own = reported ? entry.fromReport : entry.truth;
    // One field of those findings, listed ('—' when none states it).
    const stated = (field) => own.findings.flatMap(field).filter(Boolean).join(', ') || '—';
    const title = readingPhrase(g);
    dialog.replaceChildren(
      el('button', { type: 'button', class: 'close', 'aria-label': 'Close', onclick: () => dialog.close() }, '×'),
      el(
        'div',
        { class: 'detail' },
        el(
          'div',
          { class: 'detail-image' },
          createViewer(`/api/images/${encodeURIComponent(id)}/full`, `Chest X-ray: ${title}`),
        ),
        el(
          'div',
          { class: 'detail-text' },
          el('h2', { id: 'detail-title' }, title),
          el('p', { class: 'meta' }, `${readByModel(readingFigure(g))} · ${studyLine(entry)}`),
          el(
            'table',
            {},
            el(
              'tr',
              {},
              el('td', {}, ''),
              el('th', { scope: 'col' }, 'Read by the model'),
              el('th', { scope: 'col', id: 'truth-source' }, reported ? 'From the report' : "The collection's labels"),
            ),
            comparisonRow(
              'Finding',
              title,
              own.findings.map((f) => sentence(findingPhrase(f))).join('; ') ||
                own.annotations.map((a) => sentence(annotationPhrase(a, vocabulary))).join('; ') ||
                '—',
              { generated: 'generated', truth: 'truth' },
            ),
            comparisonRow(
              'Disease',
              `${g.disease.split(' + ').map(diseaseWords).join(' + ')} (${percent(readingFigure(g))})`,
              stated((f) => diseaseWords(f.disease)),
            ),
            hasHead(g)
              ? comparisonRow('Other findings', otherFindings(g).join(', ') || '—', '', { generated: 'findings' })
              : null,
            comparisonRow(
              'Side',
              g.side ?? '—',
              stated((f) => f.side),
            ),
            comparisonRow(
              'Severity',
              g.severity ?? '—',
              stated((f) => f.severity),
            ),
            comparisonRow(
              'Location',
              g.locations.join(', ') || '—',
              stated((f) => f.locations),
            ),
          ),
          hasHead(g) ? null : el('p', { class: 'meta' }, alsoRead(g)),
          el('h3', {}, 'Study'),
          studyDetails(entry),
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
                  title: readingPhrase(n.generated),
                  onclick: () => openDetail(n.imageId),
                },
                el('img', {
                  src: `/api/images/${encodeURIComponent(n.imageId)}/thumbnail`,
                  alt: readingPhrase(n.generated),
                }),
              ),
            ),
          ),
          el(
            'p',
            { class: 'detail-actions' },
            el('button', { type: 'button', id: 'more-like-this', onclick: () => moreLikeThis(id) }, 'More like this'),
            ' ',
            el('button', { type: 'button', id: 'close-detail', onclick: () => dialog.close() }, 'Close'),
          ),
        ),
      ),
    );
    dialog.dataset.id = id;
    state.open = id;
    if (record && stateFromUrl(location.search).open !== id) history.pushState(null, '', urlOf(state));
    if (!dialog.open) dialog.showModal();
  } catch (error) {
    showStatus(`${error.message} (${error.code})`, true);
  }
}

function moreLikeThis(id) {
  closeDetailQuietly();
  $('#clear-image').hidden = false;
  go({ like: id, image: null, open: null });
}

/** Closes the detail without a history entry of its own (the caller records the next state). */
function closeDetailQuietly() {
  state.open = null;
  const dialog = $('#detail');
  if (dialog.open) {
    dialog.dataset.quiet = 'true';
    dialog.close();
  }
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

async function loadVocabulary() {
  const known = await api('/api/vocabulary');
  vocabulary = { sides: known.sides, severities: known.severities, locations: known.locations };
  const options = [
    ...known.examples,
    ...known.diseases,
    ...known.diseases.flatMap((d) => (d === 'normal' ? [] : [`left ${d}`, `right ${d}`])),
    ...Object.keys(known.abbreviations).map((a) => a.toUpperCase()),
  ];
  $('#suggestions').replaceChildren(...[...new Set(options)].map((value) => el('option', { value })));
}

/** Arrow keys in the result grid: left / right one card, up / down one row, Home / End the ends. */
function moveInGrid(event) {
  const cards = [...document.querySelectorAll('.card')];
  const at = cards.indexOf(document.activeElement);
  if (at < 0) return false;
  const top = cards[0].getBoundingClientRect().top;
  const columns = Math.max(1, cards.filter((card) => card.getBoundingClientRect().top === top).length);
  const steps = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns, ArrowUp: -columns };
  let next = at;
  if (event.key in steps) next = at + steps[event.key];
  else if (event.key === 'Home') next = 0;
  else if (event.key === 'End') next = cards.length - 1;
  else return false;
  next = Math.max(0, Math.min(cards.length - 1, next));
  for (const card of cards) card.tabIndex = -1;
  cards[next].tabIndex = 0;
  cards[next].focus();
  return true;
}

/** The page as the URL says (a shared link, Back, Forward); an uploaded image is not in any URL. */
function followUrl() {
  const wanted = stateFromUrl(location.search);
  const searchChanged = urlOf({ ...wanted, open: null }) !== urlOf({ ...state, open: null }) || state.image !== null;
  Object.assign(state, { ...wanted, image: null });
  $('#q').value = state.q;
  $('#clear-image').hidden = !state.like;
  if (searchChanged || $('#results').children.length === 0) search();
  if (wanted.open) {
    if ($('#detail').dataset.id !== wanted.open || !$('#detail').open) openDetail(wanted.open, false);
  } else closeDetailQuietly();
}

function wire() {
  $('#search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    go({ q: $('#q').value });
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
    $('#clear-image').hidden = true;
    go({ like: null });
  });
  $('#filters-toggle').addEventListener('click', () => {
    const open = $('#facets').classList.toggle('open');
    $('#filters-toggle').setAttribute('aria-expanded', String(open));
  });
  // The skip link lands on the first result, ready for the arrow keys.
  $('.skip-link').addEventListener('click', (event) => {
    event.preventDefault();
    ($('.card[tabindex="0"]') ?? $('#results')).focus();
  });
  $('#detail').addEventListener('close', () => {
    const dialog = $('#detail');
    const quiet = dialog.dataset.quiet === 'true';
    delete dialog.dataset.quiet;
    delete dialog.dataset.id;
    if (quiet || !state.open) return;
    state.open = null;
    history.pushState(null, '', urlOf(state) || location.pathname);
  });
  window.addEventListener('popstate', followUrl);
  document.addEventListener('keydown', (event) => {
    const typing = ['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement?.tagName);
    if (event.key === '/' && !typing) {
      event.preventDefault();
      $('#q').focus();
    }
    if (event.key === 'm' && !typing && $('#detail').open) moreLikeThis($('#detail').dataset.id);
    if (!typing && !$('#detail').open && moveInGrid(event)) event.preventDefault();
  });
}

wire();
Object.assign(state, stateFromUrl(location.search));
$('#q').value = state.q;
$('#clear-image').hidden = !state.like;
loadVocabulary()
  .catch(() => {}) // the page still works with the built-in vocabulary
  .finally(() => {
    search();
    if (state.open) openDetail(state.open, false);
  });
