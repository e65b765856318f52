/** Platt scaling of one sigmoid output: σ(scale · logit(p) + bias). scale 1, bias 0 leaves p as it is. */
export interface PlattScaling {
  scale: number;
  bias: number;
}

export const IDENTITY_SCALING: PlattScaling = { scale: 1, bias: 0 };

/** The smallest scale a fit may reach: calibration is monotone increasing, so AUROC is the same before and after. */
const MIN_SCALE = 0.01;

export function applyPlatt(probability: number, { scale, bias }: PlattScaling): number {
  return sigmoid(scale * logit(probability) + bias);
}

/**
 * Fits scale and bias on held-out probabilities and 0/1 labels by Newton's method on the log-likelihood, with
 * Platt's smoothed targets ((n₊ + 1) / (n₊ + 2) and 1 / (n₋ + 2)) so a small validation set cannot push the
 * calibrated figure to 0 or 1. A temperature alone (scale, no bias) cannot undo the shift in prior that data
 * dropout's replicated images teach the head; the bias can. Without both labels: the identity.
 */
export function fitPlatt(probabilities: number[], labels: number[]): PlattScaling {
  const positives = labels.filter((y) => y === 1).length;
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return IDENTITY_SCALING;
  const high = (positives + 1) / (positives + 2);
  const low = 1 / (negatives + 2);
  const targets = labels.map((y) => (y === 1 ? high : low));
  const x = probabilities.map(logit);
  const nll = (scale: number, bias: number) =>
    x.reduce((sum, xi, n) => {
      const z = scale * xi + bias;
      const t = targets[n] as number;
      // log(1 + e^z) − t·z, written to stay finite for large |z|.
      return sum + Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - t * z;
    }, 0);
  let scale = 1;
  let bias = 0;
  let current = nll(scale, bias);
  for (let step = 0; step < 100; step++) {
    const [fullDs, db] = newtonStep(x, targets, scale, bias);
    // Calibration must keep the head's ranking: the scale stays positive (a head that ranks the validation images
    // backwards is left nearly flat, never inverted).
    const ds = scale - fullDs < MIN_SCALE ? scale - MIN_SCALE : fullDs;
    // Damped: halve the step until the likelihood improves (a full Newton step overshoots from saturated outputs).
    let t = 1;
    while (t > 1e-6 && !(nll(scale - t * ds, bias - t * db) < current)) t /= 2;
    if (t <= 1e-6) break;
    scale -= t * ds;
    bias -= t * db;
    const next = nll(scale, bias);
    if (current - next < 1e-10) break;
    current = next;
  }
  return Number.isFinite(scale) && Number.isFinite(bias) ? { scale, bias } : IDENTITY_SCALING;
}

/** The Newton direction for (scale, bias) of the logistic negative log-likelihood, with a small ridge. */
function newtonStep(x: number[], targets: number[], scale: number, bias: number): [number, number] {
  let gs = 0;
  let gb = 0;
  let hss = 1e-6;
  let hsb = 0;
  let hbb = 1e-6;
  x.forEach((xi, n) => {
    const p = sigmoid(scale * xi + bias);
    const r = p - (targets[n] as number);
    const w = p * (1 - p);
    gs += r * xi;
    gb += r;
    hss += w * xi * xi;
    hsb += w * xi;
    hbb += w;
  });
  const det = hss * hbb - hsb * hsb;
  if (!(det > 0)) return [gs * 1e-3, gb * 1e-3];
  return [(hbb * gs - hsb * gb) / det, (hss * gb - hsb * gs) / det];
}

/** float32 sigmoid outputs reach 0 and 1 exactly; logits are clamped to ±16. */
function logit(p: number): number {
  const clamped = Math.min(Math.max(p, 1e-7), 1 - 1e-7);
  return Math.log(clamped / (1 - clamped));
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}
