/**
 * The one catalogue of error codes. Every error the project raises on purpose is a `CxrError` with one of these
 * codes; tests assert on the code, the HTTP layer maps the code to a status, the CLI prints code and message.
 */
export const ERROR_CODES = {
  BACKEND_UNAVAILABLE: { status: 503, summary: 'The requested ML backend is not installed or failed to start.' },
  BACKEND_UNKNOWN: { status: 400, summary: 'The backend name is not one this project knows.' },
  KERNEL_UNSUPPORTED: { status: 500, summary: 'A project kernel was called with arguments it does not support.' },
  INVALID_OPTION: { status: 400, summary: 'An option is missing, of the wrong type or out of range.' },
  CATALOG_NOT_FOUND: { status: 404, summary: 'No catalog at the given path (import a dataset first: `cxr import`).' },
  CATALOG_SCHEMA: { status: 500, summary: 'The catalog file is from a newer or unknown schema version.' },
  DATASET_NOT_FOUND: { status: 404, summary: 'The dataset folder or file does not exist or has no recognised files.' },
  PATH_OUTSIDE_DATASET: { status: 400, summary: 'A path resolves outside the dataset folder.' },
  IMAGE_OUTSIDE_DATASET: {
    status: 403,
    summary:
      'An image file is a symlink (or lies under one) leading outside its dataset folder: not imported, indexed or served.',
  },
  IMAGE_MISSING: { status: 404, summary: 'An image file the dataset refers to does not exist.' },
  IMAGE_CORRUPT: { status: 422, summary: 'An image file cannot be decoded.' },
  IMAGE_UNSUPPORTED: { status: 415, summary: 'An image is of a kind or encoding the project cannot decode.' },
  IMAGE_TOO_LARGE: {
    status: 413,
    summary: 'An image declares more pixels than the decoder accepts (refused before it is decoded).',
  },
  IMAGE_DECODE_LIMIT: {
    status: 422,
    summary: 'Decoding an image took longer or needed more memory than one decode may; it was stopped.',
  },
  DECODE_BUSY: { status: 503, summary: 'Too many images are waiting to be decoded; retry after the Retry-After.' },
  DICOM_COMPRESSED_UNSUPPORTED: { status: 415, summary: 'A DICOM file uses a compressed transfer syntax.' },
  REPORT_MALFORMED: { status: 422, summary: 'A report file cannot be parsed or lacks required parts.' },
  CSV_COLUMN_COUNT: { status: 422, summary: 'A CSV row has a different number of columns than its header.' },
  CSV_HEADER: {
    status: 422,
    summary: 'A CSV (or JSONL) file lacks a column its format requires, or a column mapping names one it lacks.',
  },
  CSV_MALFORMED: {
    status: 422,
    summary: 'A CSV row cannot be read (a quote that never closes), or the file is cut short; the other rows are read.',
  },
  RECORD_INVALID: { status: 422, summary: 'A manifest or label record has a missing or invalid field.' },
  IMAGE_DUPLICATE: {
    status: 409,
    summary: 'Two records of a collection name the same image file; the later one is skipped, both are listed.',
  },
  NO_LABELS: { status: 422, summary: 'Label mining found no class with enough cases.' },
  TRAINING_DATA: {
    status: 422,
    summary: 'The catalog cannot train a model: too few classes, or a class without training images.',
  },
  BUNDLE_NOT_FOUND: { status: 404, summary: 'No model bundle at the given path.' },
  BUNDLE_VERSION: { status: 422, summary: 'The model bundle is from another, incompatible version.' },
  BUNDLE_CORRUPT: { status: 422, summary: 'The model bundle is incomplete or its contents do not match its hash.' },
  INDEX_NOT_FOUND: { status: 404, summary: 'No search index at the given path (run `cxr build`).' },
  INDEX_CORRUPT: { status: 500, summary: 'The search index is incomplete or inconsistent.' },
  INDEX_BUSY: {
    status: 409,
    summary: 'Another process (a build, `cxr add`/`remove`, a server) is writing this index; the message names it.',
  },
  INDEX_READONLY: {
    status: 409,
    summary: 'The index cannot be written (or, in WAL mode, opened): its folder or file is read-only.',
  },
  DISK_FULL: {
    status: 507,
    summary: 'The disk holding the index is full: the write or build that met it was not kept; free space and retry.',
  },
  VECTOR_SIZE: { status: 400, summary: 'A vector has a different length than the index embeddings.' },
  QUERY_INVALID: { status: 400, summary: 'The query or its filters cannot be understood.' },
  ENTRY_NOT_FOUND: { status: 404, summary: 'No indexed image has the given id.' },
  REQUEST_INVALID: {
    status: 400,
    summary: 'The request is malformed: bad JSON, a missing field, a value of the wrong type.',
  },
  UNAUTHORIZED: { status: 401, summary: 'The request lacks the bearer token this server was started with.' },
  FORBIDDEN: {
    status: 403,
    summary: 'Changing the index over HTTP is disabled (the server was started without a token).',
  },
  ROUTE_NOT_FOUND: { status: 404, summary: 'No such API route.' },
  UPLOAD_TOO_LARGE: { status: 413, summary: 'The uploaded file is larger than the server accepts.' },
  REQUEST_UNSUPPORTED: {
    status: 415,
    summary: 'The request body has a content type, charset or content encoding the API does not accept.',
  },
  URL_TOO_LONG: { status: 414, summary: 'The request URL (its query string) is longer than 8 KB; POST the query.' },
  HEADERS_TOO_LARGE: { status: 431, summary: 'The request line and headers together are longer than 16 KB.' },
  INTERRUPTED: {
    status: 503,
    summary: 'Long work was interrupted; what was done is kept and the same command resumes.',
  },
  INTERNAL: { status: 500, summary: 'An unexpected internal error.' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class CxrError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'CxrError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }

  toJSON(): { code: ErrorCode; message: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/** The single factory: `throw cxrError('INVALID_OPTION', '…', { option: 'k' })`. */
export function cxrError(code: ErrorCode, message: string, details: Record<string, unknown> = {}): CxrError {
  return new CxrError(code, message, details);
}

export function isCxrError(value: unknown, code?: ErrorCode): value is CxrError {
  return value instanceof CxrError && (code === undefined || value.code === code);
}
