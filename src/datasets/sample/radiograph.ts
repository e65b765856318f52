import type { Random } from '../../random.js';
import { Canvas } from './canvas.js';
import type { Finding, Lobe } from './findings.js';

/** What varies between patients and exposures, before findings change it. */
interface Body {
  scale: number;
  rotation: number;
  shiftX: number;
  shiftY: number;
  apex: number;
  /** Lung base (costophrenic angle height) per side: index 0 the patient's right (image left), 1 the left. */
  base: [number, number];
  dome: number;
  lungDarkness: number;
  cardiothoracicRatio: number;
  spineCurve: number;
  gain: number;
  gamma: number;
  noise: number;
  blur: number;
}

const LUNG_HALF_WIDTH = 0.31;
const lungCentre = (s: number) => s * 0.43;
/** Patient's right is image left (x < 0). */
const sign = (side: 'left' | 'right') => (side === 'right' ? -1 : 1);
const sideIndex = (s: number) => (s < 0 ? 0 : 1);

/**
 * A frontal chest radiograph of a synthetic patient with the given findings, `size`×`size` grey values in [0, 1]:
 * body and soft tissue, lungs with vessel markings, heart and mediastinum, spine, ribs, clavicles, diaphragm domes
 * and costophrenic angles; size, rotation, inspiration, exposure, noise and blur vary per patient.
 */
export function renderRadiograph(findings: Finding[], random: Random, size: number): Float32Array {
  const body = patientBody(random);
  for (const finding of findings) adjustBody(body, finding);
  const canvas = new Canvas(size, body.scale, body.rotation, body.shiftX, body.shiftY, 0.04);
  drawSoftTissue(canvas);
  const hasPneumothorax = findings.filter((f) => f.kind === 'pneumothorax');
  for (const s of [-1, 1]) drawLung(canvas, body, s, random);
  drawRibs(
    canvas,
    body,
    random,
    findings.find((f) => f.kind === 'rib-fracture'),
  );
  drawHeartAndMediastinum(canvas, body);
  drawSpine(
    canvas,
    body,
    random,
    findings.find((f) => f.kind === 'degenerative'),
  );
  for (const finding of findings) drawFinding(canvas, body, finding, random);
  for (const finding of hasPneumothorax) drawPneumothorax(canvas, body, finding);
  return develop(canvas, body, random);
}

function patientBody(random: Random): Body {
  const base = random.uniform(0.5, 0.6);
  return {
    scale: random.uniform(0.86, 1.0),
    rotation: random.normal(0, 0.025),
    shiftX: random.normal(0, 0.02),
    shiftY: random.uniform(0.0, 0.06),
    apex: random.uniform(-0.8, -0.74),
    base: [base - random.uniform(0.02, 0.06), base],
    dome: random.uniform(0.08, 0.12),
    lungDarkness: random.uniform(0.09, 0.13),
    cardiothoracicRatio: random.uniform(0.4, 0.47),
    spineCurve: random.normal(0, 0.005),
    gain: random.uniform(0.9, 1.1),
    gamma: random.uniform(0.85, 1.15),
    noise: random.uniform(0.008, 0.025),
    blur: random.chance(0.5) ? 1 : 0,
  };
}

/** Findings that change the anatomy itself rather than adding to it. */
function adjustBody(body: Body, finding: Finding): void {
  switch (finding.kind) {
    case 'cardiomegaly':
      body.cardiothoracicRatio = finding.severity === 'severe' ? 0.67 : finding.severity === 'moderate' ? 0.6 : 0.54;
      break;
    case 'hyperdistention':
      body.base = [body.base[0] + 0.13, body.base[1] + 0.13];
      body.dome = 0.025;
      body.lungDarkness = 0.06;
      body.cardiothoracicRatio = Math.min(body.cardiothoracicRatio, 0.38);
      break;
    case 'hypoinflation':
      body.base = [body.base[0] - 0.16, body.base[1] - 0.16];
      body.dome = 0.13;
      body.lungDarkness = 0.17;
      break;
    case 'atelectasis':
      body.base[sideIndex(sign(finding.side as 'left' | 'right'))] -= 0.05;
      break;
    case 'scoliosis':
      body.spineCurve = (finding.severity === 'moderate' ? 0.16 : 0.09) * sign(finding.side as 'left' | 'right');
      break;
    default:
  }
}

/** Chest wall and shoulders (a boxy outline), the neck, and the denser abdomen below the diaphragm. */
function drawSoftTissue(canvas: Canvas): void {
  canvas.paint([-1, -1, 1, 1.4], 0.36, 'set', (x, y) => {
    const u = (x / 0.93) ** 2;
    const v = ((y - 0.25) / 1.2) ** 2;
    const d = u * u + v * v;
    return d >= 1 ? 0 : Math.min(1, (1 - d) / 0.12);
  });
  canvas.ellipse(0, -1.05, 0.22, 0.3, 0.36, 'set', 0.3);
  canvas.ellipse(0, 1.15, 0.85, 0.55, 0.12, 'add', 0.5);
}

/** Lung field coverage: a squarish ellipse (sharp costophrenic angle) cut by the diaphragm dome. */
function lungCoverage(body: Body, s: number, x: number, y: number): number {
  const cx = lungCentre(s);
  const base = body.base[sideIndex(s)];
  const cy = (body.apex + base) / 2;
  const ry = (base - body.apex) / 2;
  const u = Math.abs((x - cx) / LUNG_HALF_WIDTH);
  const v = Math.abs((y - cy) / ry);
  const d = u * u * Math.sqrt(u) + v * v * Math.sqrt(v); // a superellipse, exponent 2.5
  if (d >= 1) return 0;
  const t = (x - cx) / (LUNG_HALF_WIDTH * 1.05);
  const dome = base - body.dome * Math.max(0, 1 - t * t);
  if (y >= dome) return 0;
  return Math.min(1, (1 - d) / 0.08, (dome - y) / 0.015);
}

function drawLung(canvas: Canvas, body: Body, s: number, random: Random): void {
  const cx = lungCentre(s);
  const base = body.base[sideIndex(s)];
  // Darker laterally and at the apex, denser toward the hilum and the bases.
  canvas.paint([cx - LUNG_HALF_WIDTH, body.apex, cx + LUNG_HALF_WIDTH, base], body.lungDarkness, 'set', (x, y) => {
    const towardHilum = 1 - Math.min(1, Math.abs(x - s * 0.2) / 0.5);
    return (0.88 - 0.18 * towardHilum) * lungCoverage(body, s, x, y);
  });
  // Vessel markings: branches fanning out from the hilum, thinning and fading toward the periphery.
  const hilum: [number, number] = [s * 0.22, -0.05 + (base - 0.55) * 0.3];
  for (let branch = 0; branch < 7; branch++) {
    const angle = random.uniform(-1.2, 1.4);
    let point = hilum;
    let width = 0.022;
    const points: Array<[number, number]> = [point];
    for (let step = 0; step < 4; step++) {
      const length = random.uniform(0.06, 0.1);
      const heading = angle + random.normal(0, 0.25);
      point = [point[0] + s * Math.cos(heading) * length, point[1] + Math.sin(heading) * length];
      points.push(point);
    }
    for (let i = 1; i < points.length; i++) {
      const segment = [points[i - 1], points[i]] as Array<[number, number]>;
      const inside =
        lungCoverage(body, s, (segment[1] as [number, number])[0], (segment[1] as [number, number])[1]) > 0;
      if (inside) canvas.stroke(segment, width, 0.1 - i * 0.015);
      width *= 0.72;
    }
  }
}

function drawRibs(canvas: Canvas, body: Body, random: Random, fracture: Finding | undefined): void {
  const spacing = (Math.min(...body.base) - body.apex + 0.1) / 10;
  const brokenRib = fracture === undefined ? -1 : random.integer(3, 7);
  for (const s of [-1, 1]) {
    for (let i = 0; i < 10; i++) {
      const y0 = body.apex - 0.04 + i * spacing;
      const points: Array<[number, number]> = [];
      for (let t = 0; t <= 1.0001; t += 0.1)
        points.push([s * (0.07 + 0.68 * t), y0 - 0.07 * Math.sin(Math.PI * t * 0.9) + 0.1 * t * t]);
      const broken = fracture !== undefined && i === brokenRib && sign(fracture.side as 'left' | 'right') === s;
      if (!broken) {
        canvas.stroke(points, 0.034, 0.075);
        continue;
      }
      // A displaced fracture: a gap, the lateral part stepped down, a little callus.
      const cut = 7;
      canvas.stroke(points.slice(0, cut), 0.034, 0.075);
      const lateral = points.slice(cut).map(([x, y]) => [x + s * 0.025, y + 0.04] as [number, number]);
      canvas.stroke(lateral, 0.034, 0.075);
      const [gx, gy] = points[cut - 1] as [number, number];
      canvas.ellipse(gx + s * 0.025, gy + 0.02, 0.035, 0.03, 0.07, 'add', 0.6);
    }
    // Anterior ribs: fainter, sloping down toward the midline.
    for (let i = 0; i < 5; i++) {
      const y0 = body.apex + 0.12 + i * spacing * 1.7;
      canvas.stroke(
        [
          [s * 0.72, y0],
          [s * 0.45, y0 + 0.1],
          [s * 0.2, y0 + 0.2],
        ],
        0.03,
        0.035,
      );
    }
    canvas.stroke(
      [
        [s * 0.08, -0.74],
        [s * 0.35, -0.8],
        [s * 0.62, -0.87],
      ],
      0.045,
      0.16,
    );
  }
}

function drawHeartAndMediastinum(canvas: Canvas, body: Body): void {
  const ctr = body.cardiothoracicRatio;
  const base = Math.max(...body.base);
  canvas.paint([-0.13, -0.95, 0.13, 0.2], 0.47, 'set', (x) => Math.min(1, (0.13 - Math.abs(x)) / 0.03));
  canvas.ellipse(0.13, -0.36, 0.08, 0.06, 0.49, 'set', 0.4);
  const rx = ctr * 0.74;
  const ry = 0.2 + (ctr - 0.44) * 0.45;
  canvas.ellipse(0.06 + (ctr - 0.44) * 0.35, base - ry - 0.02, rx, ry, 0.48, 'set', 0.12);
}

function drawSpine(canvas: Canvas, body: Body, random: Random, degenerative: Finding | undefined): void {
  const centreAt = (y: number) => body.spineCurve * Math.sin((Math.PI * (y + 0.95)) / 1.8);
  const spurs = degenerative === undefined ? [] : [random.integer(5, 7), random.integer(8, 10), random.integer(10, 12)];
  const sclerosis = degenerative?.severity === 'moderate' ? 0.14 : 0.09;
  for (let v = 0; v < 13; v++) {
    const y = -0.95 + v * 0.15;
    const x = centreAt(y);
    canvas.ellipse(x, y, 0.075, 0.055, 0.06, 'add', 0.35);
    canvas.ellipse(x - 0.045, y - 0.015, 0.014, 0.02, 0.04, 'add', 0.5);
    canvas.ellipse(x + 0.045, y - 0.015, 0.014, 0.02, 0.04, 'add', 0.5);
    if (spurs.includes(v)) {
      for (const side of [-1, 1]) {
        canvas.ellipse(x + side * 0.085, y + 0.045, 0.02, 0.011, 0.2, 'add', 0.5);
        canvas.ellipse(x + side * 0.085, y - 0.048, 0.018, 0.01, 0.18, 'add', 0.5);
      }
      canvas.ellipse(x, y + 0.05, 0.07, 0.01, sclerosis, 'add', 0.5);
    }
  }
}

/** A point inside a lobe of one lung, where that lobe projects on a frontal film. */
function lobePoint(body: Body, side: 'left' | 'right', lobe: Lobe | undefined, random: Random): [number, number] {
  const s = sign(side);
  const base = body.base[sideIndex(s)];
  const height = base - body.apex;
  const band = lobe === 'upper lobe' ? [0.12, 0.38] : lobe === 'lower lobe' ? [0.68, 0.85] : [0.46, 0.6];
  const y = body.apex + height * random.uniform(band[0] as number, band[1] as number);
  const x = lungCentre(s) + s * random.uniform(-0.08, 0.14);
  return [x, y];
}

function drawFinding(canvas: Canvas, body: Body, finding: Finding, random: Random): void {
  const side = finding.side as 'left' | 'right';
  switch (finding.kind) {
    case 'effusion':
      for (const s of finding.side === 'bilateral' ? [-1, 1] : [sign(side)])
        drawEffusion(canvas, body, s, finding.severity);
      break;
    case 'nodule': {
      const [x, y] = lobePoint(body, side, finding.lobe, random);
      canvas.ellipse(x, y, 0.038, 0.038, 0.24, 'add', 0.35);
      break;
    }
    case 'mass': {
      const [x, y] = lobePoint(body, side, finding.lobe, random);
      blobCloud(canvas, random, {
        x,
        y,
        count: 3,
        spread: [0.03, 0.03],
        radius: [0.06, 0.1],
        value: 0.16,
        softness: 0.3,
      });
      break;
    }
    case 'granuloma': {
      const [x, y] = lobePoint(body, side, finding.lobe, random);
      canvas.ellipse(x, y, 0.017, 0.017, 0.55, 'add', 0.25);
      break;
    }
    case 'opacity': {
      const [x, y] = lobePoint(body, side, finding.lobe, random);
      if (finding.descriptor === 'focal') canvas.ellipse(x, y, 0.12, 0.1, 0.2, 'add', 0.7);
      else
        blobCloud(canvas, random, {
          x,
          y,
          count: 9,
          spread: [0.07, 0.05],
          radius: [0.025, 0.06],
          value: 0.09,
          softness: 0.6,
        });
      break;
    }
    case 'atelectasis': {
      const s = sign(side);
      const base = body.base[sideIndex(s)];
      canvas.paint([lungCentre(s) - 0.25, base - 0.3, lungCentre(s) + 0.25, base], 0.2, 'add', (x, y) => {
        const centreY = base - 0.16 + 0.08 * ((x - lungCentre(s)) * s);
        const d = Math.abs(y - centreY) / 0.022 + Math.abs(x - lungCentre(s)) / 0.22;
        return d >= 1 ? 0 : Math.min(1, (1 - d) / 0.3) * (lungCoverage(body, s, x, y) > 0 ? 1 : 0);
      });
      break;
    }
    case 'catheter': {
      const s = sign(side);
      canvas.stroke(
        [
          [s * 0.58, -0.86],
          [s * 0.3, -0.74],
          [-0.06, -0.55],
          [-0.06, -0.12],
        ],
        0.013,
        0.45,
      );
      break;
    }
    default:
  }
}

/** Overlapping soft blobs around a point: an irregular mass, or patchy airspace opacity. */
function blobCloud(
  canvas: Canvas,
  random: Random,
  cloud: {
    x: number;
    y: number;
    count: number;
    spread: [number, number];
    radius: [number, number];
    value: number;
    softness: number;
  },
): void {
  for (let i = 0; i < cloud.count; i++) {
    const rx = random.uniform(cloud.radius[0], cloud.radius[1]);
    const ry = rx * random.uniform(0.8, 1);
    canvas.ellipse(
      cloud.x + random.normal(0, cloud.spread[0]),
      cloud.y + random.normal(0, cloud.spread[1]),
      rx,
      ry,
      cloud.value,
      'add',
      cloud.softness,
    );
  }
}

/** Fluid in the dependent pleural space: it hides the costophrenic angle and climbs laterally (the meniscus). */
function drawEffusion(canvas: Canvas, body: Body, s: number, severity: string | undefined): void {
  const base = body.base[sideIndex(s)];
  const height = base - body.apex;
  const fraction = severity === 'large' ? 0.5 : severity === 'moderate' ? 0.3 : 0.15;
  const cx = lungCentre(s);
  const cy = (body.apex + base) / 2;
  const ry = (base - body.apex) / 2;
  canvas.paint([cx - LUNG_HALF_WIDTH, body.apex, cx + LUNG_HALF_WIDTH, base + 0.02], 0.44, 'set', (x, y) => {
    const across = (s * (x - cx)) / LUNG_HALF_WIDTH; // −1 medial … 1 lateral
    const level = base - fraction * height * (0.75 + 0.45 * across * Math.abs(across));
    if (y <= level - 0.03) return 0;
    const u = Math.abs((x - cx) / LUNG_HALF_WIDTH);
    const v = Math.abs((y - cy) / ry);
    const inside = 1 - (u * u * Math.sqrt(u) + v * v * Math.sqrt(v));
    if (inside <= 0) return 0;
    return Math.min(1, (y - level + 0.03) / 0.06, inside / 0.05);
  });
}

/** Air outside the lung: no markings, blacker, with the visceral pleural line standing off the chest wall. */
function drawPneumothorax(canvas: Canvas, body: Body, finding: Finding): void {
  const s = sign(finding.side as 'left' | 'right');
  const k = finding.severity === 'large' ? 0.45 : finding.severity === 'moderate' ? 0.28 : 0.14;
  const base = body.base[sideIndex(s)];
  const cx = lungCentre(s);
  const cy = (body.apex + base) / 2;
  const ry = (base - body.apex) / 2;
  const collapsed = (x: number, y: number) => {
    const ccx = cx - s * k * LUNG_HALF_WIDTH * 0.9;
    const ccy = cy + k * ry * 0.35;
    return Math.abs((x - ccx) / (LUNG_HALF_WIDTH * (1 - k))) ** 2.2 + Math.abs((y - ccy) / (ry * (1 - k * 0.6))) ** 2.2;
  };
  const box: [number, number, number, number] = [cx - LUNG_HALF_WIDTH, body.apex, cx + LUNG_HALF_WIDTH, base];
  canvas.paint(box, 0.025, 'set', (x, y) => (collapsed(x, y) > 1 ? lungCoverage(body, s, x, y) : 0));
  canvas.paint(box, 0.13, 'add', (x, y) => {
    const d = Math.abs(collapsed(x, y) - 1);
    return d < 0.05 && lungCoverage(body, s, x, y) > 0 ? 1 - d / 0.05 : 0;
  });
}

/** Film response: gain and gamma (exposure) through a lookup table, quantum noise, a little unsharpness. */
function develop(canvas: Canvas, body: Body, random: Random): Float32Array {
  const pixels = canvas.pixels;
  const steps = 2048;
  const response = new Float32Array(steps + 1);
  for (let i = 0; i <= steps; i++) response[i] = body.gain * ((i / steps) * 1.5) ** body.gamma;
  const noise = gaussianTable();
  for (let i = 0; i < pixels.length; i++) {
    const v = Math.min(1.5, Math.max(0, pixels[i] as number));
    const shake = noise[(random.next() * NOISE_TABLE_SIZE) | 0] as number;
    pixels[i] = (response[((v / 1.5) * steps) | 0] as number) + body.noise * shake;
  }
  canvas.blur(body.blur, 2);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.min(1, Math.max(0, pixels[i] as number));
  return pixels;
}

const NOISE_TABLE_SIZE = 4096;
let gaussian: Float32Array | undefined;

/** Standard normal deviates by inverse CDF at evenly spaced quantiles: one uniform draw per pixel buys one deviate. */
function gaussianTable(): Float32Array {
  if (gaussian !== undefined) return gaussian;
  gaussian = new Float32Array(NOISE_TABLE_SIZE);
  for (let i = 0; i < NOISE_TABLE_SIZE; i++) gaussian[i] = inverseNormal((i + 0.5) / NOISE_TABLE_SIZE);
  return gaussian;
}

/** Acklam's rational approximation of the standard normal quantile (relative error < 1.2e-9). */
function inverseNormal(p: number): number {
  const [a0, a1, a2, a3, a4, a5] = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ];
  const [b0, b1, b2, b3, b4] = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const [c0, c1, c2, c3, c4, c5] = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const [d0, d1, d2, d3] = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const q = Math.min(p, 1 - p);
  if (q < 0.02425) {
    const r = Math.sqrt(-2 * Math.log(q));
    const x = (((((c0 * r + c1) * r + c2) * r + c3) * r + c4) * r + c5) / ((((d0 * r + d1) * r + d2) * r + d3) * r + 1);
    return p < 0.5 ? x : -x;
  }
  const r = (p - 0.5) ** 2;
  return (
    ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * (p - 0.5)) /
    (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1)
  );
}
