/**
 * The public API of cxr-search: a short list of named exports, pinned by test/package/public-api.test.ts (a change
 * here is a change of the package's API). Internals (layers, reference models, kernels) stay unexported.
 */

export type { Annotation, Annotator } from './cascade/annotator.js';
export {
  BACKEND_CHOICES,
  type BackendChoice,
  type BackendRequest,
  resolveBackendRequest,
  selectBackend,
} from './cascade/backend.js';
export { loadBundle } from './cascade/bundle/load.js';
export { saveBundle } from './cascade/bundle/save.js';
export { type CascadeOptions, trainCascade } from './cascade/cascade.js';
export { trainFromCatalog } from './cascade/train-catalog.js';
export { FORMATS, type Format, resolveFormat } from './datasets/formats.js';
export { decodeGrey, type GreyImage } from './datasets/images/decode.js';
export { type ImportOptions, type ImportSummary, runImport } from './datasets/import.js';
export type { StudyRecord } from './datasets/record.js';
export { writeSampleDataset } from './datasets/sample/generate.js';
export { CxrError, ERROR_CODES, type ErrorCode, isCxrError } from './errors.js';
export { type BuildOptions, type BuildResult, buildIndex } from './indexer/build-index.js';
export { parseMesh } from './labels/mesh.js';
export { type MiningStats, mineLabels } from './labels/mine.js';
export { SearchEngine, type SearchHit, type SearchRequest, type SearchResponse } from './search/engine.js';
export { type ParsedQuery, parseQuery } from './search/query-parser.js';
export { type AppDeps, createApp } from './server/app.js';
export { Catalog } from './store/catalog.js';
export { SearchIndex } from './store/search-index.js';
