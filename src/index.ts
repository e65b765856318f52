/** The public API of cxr-search: a short list of named exports. */
export {
  BACKEND_CHOICES,
  type BackendChoice,
  type BackendRequest,
  resolveBackendRequest,
  selectBackend,
} from './cascade/backend.js';
export { BatchNorm, batchNormTraining } from './cascade/layers/batch-norm.js';
export { referenceCnn } from './cascade/reference-cnn.js';
export { FORMATS, type Format, resolveFormat } from './datasets/formats.js';
export { decodeGrey, type GreyImage } from './datasets/images/decode.js';
export { type ImportOptions, type ImportSummary, runImport } from './datasets/import.js';
export type { StudyRecord } from './datasets/record.js';
export { writeSampleDataset } from './datasets/sample/generate.js';
export { CxrError, ERROR_CODES, type ErrorCode, isCxrError } from './errors.js';
export { parseMesh } from './labels/mesh.js';
export { type MiningStats, mineLabels } from './labels/mine.js';
export { Catalog } from './store/catalog.js';
