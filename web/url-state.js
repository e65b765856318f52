// The search in the address bar: a link reproduces it, Back and Forward step through searches and opened images.
// An uploaded file cannot travel in a URL; only the query, the filters, the image-query id and the opened image do.

/** The filter fields GET /api/search takes (src/server/schemas.ts). */
export const FILTER_KEYS = [
  'disease',
  'side',
  'location',
  'severity',
  'view',
  'dataset',
  'split',
  'source',
  'confidence',
];

/** The page's search state from a query string (`?q=…&side=left&like=…&open=…`). */
export function stateFromUrl(search) {
  const params = new URLSearchParams(search);
  const filters = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value) filters[key] = value;
  }
  return { q: params.get('q') ?? '', filters, like: params.get('like') || null, open: params.get('open') || null };
}

/** The query string of a state, empty fields left out, in a fixed order (so one search has one URL). */
export function urlOf(state) {
  const params = new URLSearchParams();
  if (state.q) params.set('q', state.q);
  for (const key of FILTER_KEYS) if (state.filters[key]) params.set(key, state.filters[key]);
  if (state.like) params.set('like', state.like);
  if (state.open) params.set('open', state.open);
  const text = params.toString();
  return text ? `?${text}` : '';
}
