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
export { CxrError, ERROR_CODES, type ErrorCode, isCxrError } from './errors.js';
