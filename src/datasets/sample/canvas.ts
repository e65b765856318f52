/**
 * A grey image drawn in patient coordinates: x from −1 (image left, the patient's right) to 1, y from −1 (top) to
 * 1 (bottom). One affine map (size, rotation, shift) places the patient on the film, so every structure moves
 * together when the patient is larger, rotated or off-centre.
 */
export class Canvas {
  readonly pixels: Float32Array;
  private readonly a: number;
  private readonly b: number;
  private readonly tx: number;
  private readonly ty: number;

  constructor(
    readonly size: number,
    scale: number,
    rotation: number,
    shiftX: number,
    shiftY: number,
    background: number,
  ) {
    this.pixels = new Float32Array(size * size).fill(background);
    const half = size / 2;
    this.a = half * scale * Math.cos(rotation);
    this.b = half * scale * Math.sin(rotation);
    this.tx = half + shiftX * half;
    this.ty = half + shiftY * half;
  }

  /** Patient → pixel. */
  toPixel(x: number, y: number): [number, number] {
    return [this.a * x - this.b * y + this.tx, this.b * x + this.a * y + this.ty];
  }

  /**
   * Blends `value` into every pixel whose centre, in patient coordinates, gets coverage > 0 from `coverage(x, y)`
   * within the patient-space box. `add` adds value × coverage; `set` moves the pixel toward value by coverage.
   */
  paint(
    box: [number, number, number, number],
    value: number,
    mode: 'add' | 'set',
    coverage: (x: number, y: number) => number,
  ): void {
    const [x0, y0, x1, y1] = box;
    const corners = [this.toPixel(x0, y0), this.toPixel(x1, y0), this.toPixel(x0, y1), this.toPixel(x1, y1)];
    const minX = Math.max(0, Math.floor(Math.min(...corners.map((c) => c[0]))));
    const maxX = Math.min(this.size - 1, Math.ceil(Math.max(...corners.map((c) => c[0]))));
    const minY = Math.max(0, Math.floor(Math.min(...corners.map((c) => c[1]))));
    const maxY = Math.min(this.size - 1, Math.ceil(Math.max(...corners.map((c) => c[1]))));
    const det = this.a * this.a + this.b * this.b;
    for (let py = minY; py <= maxY; py++) {
      for (let px = minX; px <= maxX; px++) {
        const dx = px + 0.5 - this.tx;
        const dy = py + 0.5 - this.ty;
        const x = (this.a * dx + this.b * dy) / det;
        const y = (-this.b * dx + this.a * dy) / det;
        const alpha = coverage(x, y);
        if (alpha <= 0) continue;
        const at = py * this.size + px;
        const current = this.pixels[at] as number;
        this.pixels[at] = mode === 'add' ? current + value * alpha : current + (value - current) * Math.min(1, alpha);
      }
    }
  }

  /** A filled ellipse with a soft rim of relative width `softness`. */
  ellipse(cx: number, cy: number, rx: number, ry: number, value: number, mode: 'add' | 'set', softness = 0.15): void {
    this.paint([cx - rx, cy - ry, cx + rx, cy + ry], value, mode, (x, y) => {
      const d = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2;
      return d >= 1 ? 0 : Math.min(1, (1 - d) / softness);
    });
  }

  /**
   * A thick polyline (ribs, clavicles, vessels, catheters). Each segment paints its own band, clipped to its own
   * length, so joints are not painted twice and each pixel measures one distance.
   */
  stroke(points: Array<[number, number]>, width: number, value: number, mode: 'add' | 'set' = 'add'): void {
    const r = width / 2;
    for (let i = 1; i < points.length; i++) {
      const [ax, ay] = points[i - 1] as [number, number];
      const [bx, by] = points[i] as [number, number];
      const vx = bx - ax;
      const vy = by - ay;
      const length2 = vx * vx + vy * vy || 1e-12;
      const last = i === points.length - 1;
      const box: [number, number, number, number] = [
        Math.min(ax, bx) - r,
        Math.min(ay, by) - r,
        Math.max(ax, bx) + r,
        Math.max(ay, by) + r,
      ];
      this.paint(box, value, mode, (x, y) => {
        const t = ((x - ax) * vx + (y - ay) * vy) / length2;
        if (t < 0 || t > 1 || (t === 1 && !last)) return 0;
        const distance = Math.abs((x - ax) * vy - (y - ay) * vx) / Math.sqrt(length2);
        return distance >= r ? 0 : Math.min(1, ((r - distance) / r) * 2);
      });
    }
  }

  /** Box blur of radius `r` pixels, separable, applied `passes` times (≈ Gaussian). */
  blur(r: number, passes = 2): void {
    if (r < 1) return;
    const n = this.size;
    const tmp = new Float32Array(n * n);
    for (let pass = 0; pass < passes; pass++) {
      boxLine(this.pixels, tmp, n, r, 1, n);
      boxLine(tmp, this.pixels, n, r, n, 1);
    }
  }
}

/** One pass of a running-sum box filter along rows (step 1) or columns (step n). */
function boxLine(
  source: Float32Array,
  target: Float32Array,
  n: number,
  r: number,
  step: number,
  lineStep: number,
): void {
  const width = 2 * r + 1;
  for (let line = 0; line < n; line++) {
    const base = line * lineStep;
    let sum = 0;
    for (let i = -r; i <= r; i++) sum += source[base + Math.min(n - 1, Math.max(0, i)) * step] as number;
    for (let i = 0; i < n; i++) {
      target[base + i * step] = sum / width;
      const out = Math.max(0, i - r);
      const into = Math.min(n - 1, i + r + 1);
      sum += (source[base + into * step] as number) - (source[base + out * step] as number);
    }
  }
}
