// The figures the page shows for a reading: one confidence each, calibrated where the bundle has the head.
import { diseaseWords, percent } from './wording.js';

export { percent };

/** Head findings below this are not stored in the index (src/indexer/entry.ts), so not shown for uploads either. */
const FINDING_FLOOR = 0.05;

/**
 * The one figure shown for a reading: the per-finding head's calibrated probability of its class's finding, else
 * (bundles without the head) the confidence in the whole reading. `findings` are the index's ({disease,
 * probability}) or an upload's reading's ({finding, probability}).
 */
export function readingFigure(reading) {
  const first = reading.disease.split(' + ')[0];
  const own = (reading.findings ?? []).find((f) => (f.disease ?? f.finding) === first);
  return own?.probability ?? reading.readingConfidence ?? reading.confidence;
}

/** The calibrated findings of a reading other than its class's, most probable first, as "name 80%". */
export function otherFindings(reading) {
  const named = new Set(reading.disease.split(' + '));
  return (reading.findings ?? [])
    .map((f) => ({ name: f.disease ?? f.finding, probability: f.probability }))
    .filter((f) => f.probability !== undefined && f.probability >= FINDING_FLOOR && !named.has(f.name))
    .sort((a, b) => b.probability - a.probability)
    .map((f) => `${diseaseWords(f.name)} ${percent(f.probability)}`);
}

/** Calibrated probabilities exist only for bundles with the per-finding head. */
export const hasHead = (reading) => (reading.findings ?? []).some((f) => f.probability !== undefined);

/** Beside a reading's own figure: the head's other findings, or (bundles without the head) the class alternatives. */
export function alsoRead(reading) {
  if (hasHead(reading)) return `other findings: ${otherFindings(reading).join(', ') || 'none'}`;
  return `alternatives: ${reading.alternatives.map((a) => `${diseaseWords(a.disease)} ${percent(a.probability)}`).join(', ')}`;
}
