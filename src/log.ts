/**
 * Diagnostics go to stderr so that `--json` output on stdout stays machine-readable.
 * `CXR_LOG_LEVEL=silent|error|info|debug` (default info) controls how much is written.
 */
const LEVELS = { silent: 0, error: 1, info: 2, debug: 3 } as const;
type Level = keyof typeof LEVELS;

function currentLevel(): number {
  const wanted = (process.env.CXR_LOG_LEVEL ?? 'info') as Level;
  return LEVELS[wanted] ?? LEVELS.info;
}

function write(level: Level, message: string): void {
  if (LEVELS[level] <= currentLevel()) process.stderr.write(`[cxr] ${message}\n`);
}

export const log = {
  error: (message: string) => write('error', message),
  info: (message: string) => write('info', message),
  debug: (message: string) => write('debug', message),
};
