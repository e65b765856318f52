/**
 * A deterministic grey image shaped a little like a chest radiograph (a bright body, darker lungs, rib-like
 * stripes, noise) in `bits` bits, for codec and display tests: smooth areas, edges and noise, as codecs meet them.
 */
export function generatedRadiograph(width: number, height: number, bits: number, seed = 1): number[] {
  const max = 2 ** bits - 1;
  let state = seed >>> 0 || 1;
  const noise = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
  const values: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [u, v] = [x / width - 0.5, y / height - 0.5];
      const body = Math.exp(-(u * u + v * v) * 4);
      const lung = Math.abs(Math.abs(u) - 0.2) < 0.12 && Math.abs(v) < 0.3 ? -0.25 : 0;
      const ribs = 0.06 * Math.sin(y / 3 + Math.abs(u) * 8);
      const level = 0.1 + 0.7 * body + lung + ribs + 0.04 * noise();
      values.push(Math.max(0, Math.min(max, Math.round(level * max))));
    }
  }
  return values;
}
