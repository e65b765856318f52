import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, total?: number): void;
  stop(): void;
}

/**
 * Progress for long work: done/total, rate and ETA. A live bar on a terminal; elsewhere (CI, pipes, --json) a
 * plain line every few seconds on stderr so logs stay readable.
 */
export function createProgress(label: string, unit: string, quiet = false): Progress {
  if (quiet) return { update: () => {}, stop: () => {} };
  const started = Date.now();
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {value}/{total} ${unit} | {rate}/s | ETA {eta_formatted}`,
        stream: process.stderr,
        etaBuffer: 200,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(0, 0, { rate: '0' });
    return {
      update(done, total) {
        if (total !== undefined) bar.setTotal(total);
        bar.update(done, { rate: rate(done, started) });
      },
      stop: () => bar.stop(),
    };
  }
  let lastLine = 0;
  let last = { done: 0, total: undefined as number | undefined };
  const line = () => {
    const { done, total } = last;
    const perSecond = Number(rate(done, started));
    const eta = total !== undefined && perSecond > 0 ? ` ETA ${Math.round((total - done) / perSecond)}s` : '';
    process.stderr.write(`${label}: ${done}${total === undefined ? '' : `/${total}`} ${unit}, ${perSecond}/s${eta}\n`);
  };
  return {
    update(done, total) {
      last = { done, total: total ?? last.total };
      if (Date.now() - lastLine >= 2000) {
        lastLine = Date.now();
        line();
      }
    },
    stop: line,
  };
}

function rate(done: number, started: number): string {
  const seconds = (Date.now() - started) / 1000;
  return seconds > 0 ? (done / seconds).toFixed(0) : '0';
}
