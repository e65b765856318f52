/** What every scorer of the benchmark gives for the test images, and the labels they are judged by. */
import { type LabelledImage, NORMAL, PNEUMONIA } from './dataset.js';

/** The pseudo-finding "anything but normal" (nih-64's publisher folders are normal / abnormal). */
export const ANY_FINDING = 'any finding';

export interface Scores {
  name: string;
  /** Per test image, in the test list's order: the probability of Pneumonia. */
  pneumonia: number[];
  /** Per finding, per test image: the scorer's probability of the finding. */
  findings: Map<string, number[]>;
  /** Per test image: what image neighbours are found by (cosine). */
  embeddings: ArrayLike<number>[];
  /** Wall-clock and CPU (every thread of the process) seconds of training, image loading included. */
  trainingSeconds: number;
  trainingCpuSeconds: number;
  /** Whatever else the scorer wants recorded in the JSON (options, tuned strengths…). */
  details: Record<string, unknown>;
}

/** 1 for Pneumonia, 0 for No Finding, undefined for an image with neither. */
export function pneumoniaLabel(image: LabelledImage): 0 | 1 | undefined {
  if (image.findings.has(PNEUMONIA)) return 1;
  return image.findings.has(NORMAL) ? 0 : undefined;
}

/** An image is positive for a finding when it has that annotation heading, negative otherwise. */
export function findingLabel(image: LabelledImage, finding: string): 0 | 1 {
  if (finding === ANY_FINDING) return image.findings.has(NORMAL) ? 0 : 1;
  return image.findings.has(finding) ? 1 : 0;
}

/**
 * The headings (normal aside), and ANY_FINDING, with at least `minimum` positive images and one negative in each
 * given list: what a model can be trained and judged on.
 */
export function findingsPresent(lists: Array<{ images: LabelledImage[]; minimum: number }>): string[] {
  const headings = new Set(lists.flatMap(({ images }) => images.flatMap((image) => [...image.findings])));
  headings.delete(NORMAL);
  const enough = (finding: string) =>
    lists.every(({ images, minimum }) => {
      const positives = images.filter((image) => findingLabel(image, finding) === 1).length;
      return positives >= minimum && positives < images.length;
    });
  return [ANY_FINDING, ...[...headings].sort()].filter(enough);
}

/** Seconds of CPU (user + system, every thread of the process) in a `process.cpuUsage` difference. */
export function cpuSeconds(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1e6;
}
