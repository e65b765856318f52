import { ERROR_CODES, type ErrorCode, isCxrError } from '../errors.js';

/**
 * What a script calling `cxr` can tell apart by the exit status alone. One table, documented in `cxr --help` and the
 * README; the code and message on stderr say the rest.
 */
export const EXIT = {
  ok: 0,
  /** An unexpected fault: a bug to report (the stack is printed). */
  internal: 1,
  /** The command line itself: an unknown command or option, a missing argument, an option out of range. */
  usage: 2,
  /** The data given: a file or dataset not found, an image or report that cannot be read, too few labels. */
  input: 3,
  /** The index, bundle or machine: corrupt, busy, read-only, a backend that is not installed. */
  environment: 4,
  /** Interrupted (Ctrl-C); what was done is kept and the same command resumes. */
  interrupted: 130,
} as const;

const USAGE_CODES: ReadonlySet<ErrorCode> = new Set(['INVALID_OPTION', 'BACKEND_UNKNOWN', 'QUERY_INVALID']);

/** Of a CxrError or its JSON form (a batch row's error). */
export function exitCodeOf(error: { code: ErrorCode }): number {
  if (error.code === 'INTERRUPTED') return EXIT.interrupted;
  if (USAGE_CODES.has(error.code)) return EXIT.usage;
  const { status } = ERROR_CODES[error.code];
  return status >= 500 || status === 409 ? EXIT.environment : EXIT.input;
}

export function exitCodeOfThrown(thrown: unknown): number {
  return isCxrError(thrown) ? exitCodeOf(thrown) : EXIT.internal;
}

export const EXIT_HELP = `
Exit status: 0 done, 1 internal fault (a bug: please report it), 2 usage (unknown command or option, a value out of
range), 3 input (a file, dataset or id not found, an image or report that cannot be read), 4 index or environment
(corrupt, busy or read-only index or bundle, a backend not installed), 130 interrupted (run the same command again to
resume).
`;
