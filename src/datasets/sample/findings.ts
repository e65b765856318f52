import type { Random } from '../../random.js';

export const FINDING_KINDS = [
  'effusion',
  'cardiomegaly',
  'nodule',
  'mass',
  'granuloma',
  'opacity',
  'atelectasis',
  'pneumothorax',
  'hyperdistention',
  'hypoinflation',
  'catheter',
  'scoliosis',
  'degenerative',
  'rib-fracture',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];
export type Side = 'left' | 'right' | 'bilateral';
export type Lobe = 'upper lobe' | 'middle lobe' | 'lower lobe' | 'lingula';

/** One drawn finding: the ground truth of a sample image. Sides are the patient's. */
export interface Finding {
  kind: FindingKind;
  side?: Side;
  lobe?: Lobe;
  severity?: string;
  descriptor?: 'patchy' | 'focal';
}

/** How often each finding occurs among abnormal images, shaped like OpenI's frequencies. */
const FREQUENCY: Record<FindingKind, number> = {
  granuloma: 0.12,
  degenerative: 0.09,
  hypoinflation: 0.08,
  opacity: 0.08,
  cardiomegaly: 0.08,
  effusion: 0.08,
  atelectasis: 0.07,
  scoliosis: 0.06,
  nodule: 0.06,
  hyperdistention: 0.055,
  catheter: 0.055,
  'rib-fracture': 0.05,
  mass: 0.045,
  pneumothorax: 0.045,
};

/** Findings that cannot appear together (a lung is not both over- and under-inflated). */
const EXCLUSIVE: Array<[FindingKind, FindingKind]> = [['hyperdistention', 'hypoinflation']];

export const NORMAL_FRACTION = 0.37;

/** Draws an image's findings: none for about 37% of images, else one to three, each placed and graded. */
export function sampleFindings(random: Random): Finding[] {
  if (random.chance(NORMAL_FRACTION)) return [];
  const count = random.weighted({ one: 0.68, two: 0.26, three: 0.06 });
  const wanted = count === 'one' ? 1 : count === 'two' ? 2 : 3;
  const kinds: FindingKind[] = [];
  while (kinds.length < wanted) {
    const kind = random.weighted(FREQUENCY);
    const clashes = EXCLUSIVE.some(([a, b]) => (kind === a && kinds.includes(b)) || (kind === b && kinds.includes(a)));
    if (!kinds.includes(kind) && !clashes) kinds.push(kind);
  }
  return kinds.map((kind) => describeFinding(kind, random));
}

export function describeFinding(kind: FindingKind, random: Random): Finding {
  const side = (): 'left' | 'right' => (random.chance(0.5) ? 'left' : 'right');
  const lobe = (s: 'left' | 'right'): Lobe =>
    random.pick(s === 'right' ? ['upper lobe', 'middle lobe', 'lower lobe'] : ['upper lobe', 'lingula', 'lower lobe']);
  switch (kind) {
    case 'effusion':
      return {
        kind,
        side: random.weighted({ left: 0.4, right: 0.4, bilateral: 0.2 }),
        severity: random.weighted({ small: 0.5, moderate: 0.35, large: 0.15 }),
      };
    case 'cardiomegaly':
      return { kind, severity: random.weighted({ mild: 0.55, moderate: 0.3, severe: 0.15 }) };
    case 'nodule':
    case 'mass':
    case 'granuloma': {
      const s = side();
      return { kind, side: s, lobe: lobe(s) };
    }
    case 'opacity': {
      const s = side();
      return { kind, side: s, lobe: lobe(s), descriptor: random.chance(0.6) ? 'patchy' : 'focal' };
    }
    case 'atelectasis':
      return { kind, side: side(), lobe: 'lower lobe', severity: 'mild' };
    case 'pneumothorax':
      return { kind, side: side(), severity: random.weighted({ small: 0.5, moderate: 0.3, large: 0.2 }) };
    case 'catheter':
      return { kind, side: random.chance(0.7) ? 'right' : 'left' };
    case 'scoliosis':
      return { kind, side: side(), severity: random.weighted({ mild: 0.65, moderate: 0.35 }) };
    case 'degenerative':
      return { kind, severity: random.weighted({ mild: 0.7, moderate: 0.3 }) };
    case 'rib-fracture':
      return { kind, side: side() };
    default:
      return { kind };
  }
}

/** The MeSH string a careful annotator would assign (OpenI's qualifier order). */
export function meshOf(finding: Finding): string {
  const { side, lobe, severity, descriptor } = finding;
  switch (finding.kind) {
    case 'effusion':
      return `Pleural Effusion/${side}/${severity}`;
    case 'cardiomegaly':
      return `Cardiomegaly/${severity}`;
    case 'nodule':
      return `Nodule/lung/${lobe}/${side}`;
    case 'mass':
      return `Mass/lung/${lobe}/${side}`;
    case 'granuloma':
      return `Calcified Granuloma/lung/${lobe}/${side}`;
    case 'opacity':
      return `Opacity/lung/${lobe}/${side}/${descriptor}`;
    case 'atelectasis':
      return `Pulmonary Atelectasis/base/${side}/${severity}`;
    case 'pneumothorax':
      return `Pneumothorax/${side}/${severity}`;
    case 'hyperdistention':
      return 'Lung/hyperdistention';
    case 'hypoinflation':
      return 'Lung/hypoinflation';
    case 'catheter':
      return `Catheters, Indwelling/${side}`;
    case 'scoliosis':
      return `Scoliosis/thoracic vertebrae/${side}/${severity}`;
    case 'degenerative':
      return `Thoracic Vertebrae/degenerative/${severity}`;
    case 'rib-fracture':
      return `Fractures, Bone/ribs/${side}`;
  }
}
