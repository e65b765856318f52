import { COLOURS, escapeHtml } from './html.js';

/** The drawing area of a chart inside its SVG, in pixels. */
export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export const frame = (width: number, height: number): Frame => ({
  width,
  height,
  left: 56,
  right: 14,
  top: 14,
  bottom: 44,
});

/** Pixel position of a value on an axis running from `low` to `high`. */
export function scaleX(f: Frame, low: number, high: number): (v: number) => number {
  return (v) => f.left + ((f.width - f.left - f.right) * (v - low)) / Math.max(1e-12, high - low);
}
export function scaleY(f: Frame, low: number, high: number): (v: number) => number {
  return (v) => f.height - f.bottom - ((f.height - f.top - f.bottom) * (v - low)) / Math.max(1e-12, high - low);
}

/** About `count` round tick values covering 0…`top` (steps of 1, 2 or 5 times a power of ten). */
export function niceTicks(top: number, count = 5): number[] {
  const raw = Math.max(1e-12, top) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  const ticks: number[] = [];
  for (let t = 0; t <= top + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  if ((ticks.at(-1) ?? 0) < top) ticks.push(Number((ticks.length * step).toPrecision(12)));
  return ticks;
}

/** Whole-number ticks from 1 to `last`, at most about 8 of them. */
export function countTicks(last: number): number[] {
  const step = Math.max(1, Math.ceil(last / 8));
  const ticks: number[] = [];
  for (let t = 1; t <= last; t += step) ticks.push(t);
  if (ticks.at(-1) !== last) ticks.push(last);
  return ticks;
}

export interface Axes {
  /** Tick positions in pixels with their labels. */
  x: Array<{ at: number; label: string }>;
  y: Array<{ at: number; label: string }>;
  xTitle: string;
  yTitle: string;
}

/**
 * Both axes of a chart: lines, tick marks, tick labels (`class="tick"`), light grid lines across, and a title on each
 * axis with its unit (`class="axis-title"`). Lines only (never `rect` or `polyline`, which are the data).
 */
export function axesSvg(f: Frame, axes: Axes): string {
  const bottom = f.height - f.bottom;
  const parts = [
    `<line x1="${f.left}" y1="${bottom}" x2="${f.width - f.right}" y2="${bottom}" stroke="#5b6572"/>`,
    `<line x1="${f.left}" y1="${f.top}" x2="${f.left}" y2="${bottom}" stroke="#5b6572"/>`,
    ...axes.x.map(
      (t) =>
        `<line x1="${t.at.toFixed(1)}" y1="${bottom}" x2="${t.at.toFixed(1)}" y2="${bottom + 4}" stroke="#5b6572"/><text class="tick" x="${t.at.toFixed(1)}" y="${bottom + 16}" font-size="11" text-anchor="middle">${escapeHtml(t.label)}</text>`,
    ),
    ...axes.y.map(
      (t) =>
        `<line x1="${f.left}" y1="${t.at.toFixed(1)}" x2="${f.width - f.right}" y2="${t.at.toFixed(1)}" stroke="#e3e7ec"/><line x1="${f.left - 4}" y1="${t.at.toFixed(1)}" x2="${f.left}" y2="${t.at.toFixed(1)}" stroke="#5b6572"/><text class="tick" x="${f.left - 7}" y="${(t.at + 4).toFixed(1)}" font-size="11" text-anchor="end">${escapeHtml(t.label)}</text>`,
    ),
    `<text class="axis-title" x="${(f.left + f.width - f.right) / 2}" y="${f.height - 6}" font-size="12" text-anchor="middle">${escapeHtml(axes.xTitle)}</text>`,
    `<text class="axis-title" x="14" y="${(f.top + bottom) / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 14 ${(f.top + bottom) / 2})">${escapeHtml(axes.yTitle)}</text>`,
  ];
  return parts.join('\n');
}

/** A chart's legend, beside it in its figure: one coloured swatch and name a series (`dashed` for a reference line). */
export function legendHtml(
  items: Array<{ name: string; colour?: string; dashed?: boolean }>,
  title = 'Legend',
): string {
  const rows = items.map((item, k) => {
    const colour = item.colour ?? COLOURS[k % COLOURS.length];
    const style = item.dashed ? `border-top:2px dashed ${colour}` : `background:${colour}`;
    return `<li><span class="swatch" style="${style}"></span>${escapeHtml(item.name)}</li>`;
  });
  return `<ul class="legend" aria-label="${escapeHtml(title)}">${rows.join('')}</ul>`;
}

/** Tick label of a fraction: as few decimals as it needs. */
export const fractionLabel = (v: number) => String(Number(v.toFixed(2)));
