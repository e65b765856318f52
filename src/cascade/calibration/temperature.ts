/**
 * Temperature scaling of a softmax (Guo et al., 2017): p_c^(1/T) / Σ p^(1/T), the same as dividing the logits by T.
 * T > 1 softens an over-confident network; the arg-max never changes.
 */
export function applyTemperature(probabilities: ArrayLike<number>, temperature: number): number[] {
  const logits = Array.from(probabilities, (p) => Math.log(Math.max(p, MIN_PROBABILITY)) / temperature);
  const top = logits.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
  const exps = logits.map((z) => Math.exp(z - top));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

/** float32 softmax outputs reach 0; their log is clamped here (e^-16.1). */
const MIN_PROBABILITY = 1e-7;

/**
 * The temperature that minimises the negative log-likelihood of the true classes, by golden-section search over
 * log T in [1/20, 20] (the likelihood is unimodal in T). `groupOf[c]` names the true class output c belongs to
 * when outputs are sub-classes of the true ones (the cascade's refined classes: their probabilities add up).
 * Returns 1 without images.
 */
export function fitTemperature(probabilities: ArrayLike<number>[], truth: number[], groupOf?: number[]): number {
  if (probabilities.length === 0) return 1;
  const probabilityOfTruth = (p: number[], t: number) =>
    groupOf === undefined ? (p[t] as number) : p.reduce((sum, value, c) => (groupOf[c] === t ? sum + value : sum), 0);
  const nll = (logT: number) => {
    const t = Math.exp(logT);
    return probabilities.reduce(
      (sum, p, n) => sum - Math.log(Math.max(probabilityOfTruth(applyTemperature(p, t), truth[n] as number), 1e-12)),
      0,
    );
  };
  return Math.exp(goldenSection(nll, Math.log(1 / 20), Math.log(20)));
}

/** The minimum of a unimodal function on [low, high] to within 1e-4. */
export function goldenSection(f: (x: number) => number, low: number, high: number): number {
  const ratio = (Math.sqrt(5) - 1) / 2;
  let a = low;
  let b = high;
  let c = b - ratio * (b - a);
  let d = a + ratio * (b - a);
  let fc = f(c);
  let fd = f(d);
  while (b - a > 1e-4) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - ratio * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + ratio * (b - a);
      fd = f(d);
    }
  }
  return (a + b) / 2;
}
