import type { GreyImage } from './decode.js';

/**
 * Resizes a grey image to `size`×`height` (square unless `height` is given) by area averaging: each output pixel is the mean of the input area it
 * covers, partly covered input pixels weighted by their share. It is the anti-aliased downscale a CNN input wants
 * (every input pixel counts, none is skipped), it is separable and cheap in plain JavaScript, and it is the same
 * for every image format, so training and annotation see the same pixels.
 */
export function resizeArea(image: GreyImage, size: number, height = size): GreyImage {
  if (image.width === size && image.height === height) return image;
  const columns = coverage(image.width, size);
  const rows = coverage(image.height, height);
  // Rows first: each input row is reduced to `size` values, then each output row mixes a few of those rows.
  const narrow = new Float32Array(image.height * size);
  const { data: input, width } = image;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < size; x++) {
      const from = y * width + (columns.first[x] as number);
      let sum = 0;
      for (let k = 0, w = x * columns.taps; k < columns.taps; k++, w++) {
        sum += (columns.weights[w] as number) * (input[from + k] as number);
      }
      narrow[y * size + x] = sum;
    }
  }
  const data = new Float32Array(size * height);
  for (let y = 0; y < height; y++) {
    const from = (rows.first[y] as number) * size;
    for (let k = 0, w = y * rows.taps; k < rows.taps; k++, w++) {
      const weight = rows.weights[w] as number;
      if (weight === 0) continue;
      const out = y * size;
      for (let x = 0, i = from + k * size; x < size; x++, i++) {
        data[out + x] = (data[out + x] as number) + weight * (narrow[i] as number);
      }
    }
  }
  return { width: size, height, data };
}

/** For each output pixel along an axis: the first input pixel it covers and the shares of `taps` pixels from it. */
interface Coverage {
  first: Int32Array;
  taps: number;
  /** `taps` shares per output pixel (summing to 1), zero past the pixels it covers. */
  weights: Float64Array;
}

/** The same few sizes recur across a collection (256 → 73 for every image of the sample), so each is kept. */
const coverages = new Map<string, Coverage>();

function coverage(from: number, to: number): Coverage {
  const key = `${from}→${to}`;
  let known = coverages.get(key);
  if (known === undefined) {
    known = computeCoverage(from, to);
    if (coverages.size > 64) coverages.clear();
    coverages.set(key, known);
  }
  return known;
}

function computeCoverage(from: number, to: number): Coverage {
  const scale = from / to;
  const spans = Array.from({ length: to }, (_, out) => {
    const start = out * scale;
    const end = start + scale;
    const first = Math.floor(start);
    const last = Math.min(from - 1, Math.ceil(end) - 1);
    return { start, end, first, last };
  });
  const taps = Math.max(...spans.map((s) => s.last - s.first + 1));
  const first = new Int32Array(to);
  const weights = new Float64Array(to * taps);
  for (const [out, span] of spans.entries()) {
    // The last output pixels' taps stay inside the image: their window starts early, with zero weights first.
    first[out] = Math.min(span.first, from - taps);
    for (let i = span.first; i <= span.last; i++) {
      weights[out * taps + i - (first[out] as number)] = (Math.min(span.end, i + 1) - Math.max(span.start, i)) / scale;
    }
  }
  return { first, taps, weights };
}
