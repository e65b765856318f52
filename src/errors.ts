/**
 * The one catalogue of error codes. Every error the project raises on purpose is a `CxrError` with one of these
 * codes; tests assert on the code, the HTTP layer maps the code to a status, the CLI prints code and message.
 */
export const ERROR_CODES = {
  BACKEND_UNAVAILABLE: { status: 503, summary: 'The requested ML backend is not installed or failed to start.' },
  BACKEND_UNKNOWN: { status: 400, summary: 'The backend name is not one this project knows.' },
  KERNEL_UNSUPPORTED: { status: 500, summary: 'A project kernel was called with arguments it does not support.' },
  INVALID_OPTION: { status: 400, summary: 'An option is missing, of the wrong type or out of range.' },
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
