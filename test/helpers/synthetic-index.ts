import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Random } from '../../src/random.js';
import { type Finding, type IndexEntry, IndexStore } from '../../src/store/index-store.js';

export const SYNTHETIC_DISEASES = ['normal', 'pleural effusion', 'cardiomegaly', 'pneumothorax', 'nodule'] as const;
const SIDES = ['left', 'right', 'bilateral'] as const;
const SEVERITIES = ['small', 'moderate', 'large'] as const;

/**
 * Index entries with known findings: each disease a cluster in embedding space (so image search has a right answer),
 * sides and severities drawn at random, a report sentence that says the same, and — for one entry in `noise` — a
 * generated annotation that disagrees with the truth (as a real cascade sometimes does).
 */
export function syntheticEntries(count: number, dims: number, seed = 1, noise = 10): IndexEntry[] {
  const random = new Random(seed);
  const centres = SYNTHETIC_DISEASES.map(() => Float32Array.from({ length: dims }, () => random.normal()));
  // Real CNN embeddings vary along few directions: each image is its centre plus a 16-dimensional latent spread
  // into every dimension by a fixed projection, plus a little noise of its own.
  const latent = 16;
  const projection = new Random(4242);
  const basis = Array.from({ length: latent }, () =>
    Float32Array.from({ length: dims }, () => projection.normal() / 2),
  );
  return Array.from({ length: count }, (_, i) => {
    const d = random.integer(0, SYNTHETIC_DISEASES.length - 1);
    const disease = SYNTHETIC_DISEASES[d] as string;
    const truth: Finding =
      disease === 'normal'
        ? { disease, locations: [] }
        : {
            disease,
            side: random.pick(SIDES),
            severity: random.pick(SEVERITIES),
            locations: disease === 'nodule' ? [random.pick(['upper lobe', 'lower lobe'])] : [],
          };
    const wrong = random.integer(0, noise - 1) === 0;
    const generated: Finding = wrong ? { disease: 'normal', locations: [] } : truth;
    const centre = centres[d] as Float32Array;
    const z = Array.from({ length: latent }, () => random.normal());
    const vector = (scale: number) =>
      Float32Array.from(centre, (c, j) => {
        let spread = 0;
        for (let l = 0; l < latent; l++) spread += (z[l] as number) * ((basis[l] as Float32Array)[j] as number);
        return c + scale * spread + 0.1 * random.normal();
      });
    return {
      imageId: `synthetic:${String(i).padStart(6, '0')}`,
      dataset: 'synthetic',
      file: `/nonexistent/${i}.png`,
      view: i % 4 === 0 ? 'LATERAL' : 'PA',
      split: i % 10 === 0 ? 'test' : 'train',
      generated: {
        sequence: [generated.disease, generated.side, generated.severity]
          .filter(Boolean)
          .map((w) => (w as string).replace(/ /g, '_')),
        disease: generated.disease,
        ...(generated.side ? { side: generated.side } : {}),
        ...(generated.severity ? { severity: generated.severity } : {}),
        locations: generated.locations,
        confidence: 0.5 + 0.5 * random.next(),
        alternatives: [{ disease: generated.disease, probability: 0.9 }],
        findings: [generated],
      },
      truth: {
        annotations: [[truth.disease, ...truth.locations, truth.side, truth.severity].filter(Boolean).join('/')],
        findings: [truth],
      },
      report:
        disease === 'normal'
          ? 'The lungs are clear. No pleural effusion or pneumothorax.'
          : `There is a ${truth.severity} ${truth.side} ${disease}. Sternotomy wires${i % 7 === 0 ? ' and a pacemaker. Portable technique' : ''}.`,
      embeddings: { first: vector(1.5), final: vector(0.8) },
    };
  });
}

/** A search index generation folder holding `entries` (HNSW is built when it is first opened). */
export function writeSyntheticGeneration(dir: string, entries: IndexEntry[]): string {
  mkdirSync(dir, { recursive: true });
  const store = IndexStore.open(join(dir, 'index.sqlite'));
  store.setMeta('dimensions', entries[0]?.embeddings.final.length ?? 0);
  store.transaction(() => {
    for (const entry of entries) store.upsert(entry);
  });
  store.close();
  return dir;
}
