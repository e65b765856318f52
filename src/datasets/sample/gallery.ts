import sharp from 'sharp';
import { Random } from '../../random.js';
import { type Finding, meshOf } from './findings.js';
import { renderRadiograph } from './radiograph.js';

/** One tile per finding and grade (and the normal film first), for a person to judge the generator by. */
export const GALLERY_FINDINGS: Finding[][] = [
  [],
  ...(['small', 'moderate', 'large'] as const).map((severity) => [
    { kind: 'effusion', side: 'left', severity } as Finding,
  ]),
  [{ kind: 'effusion', side: 'right', severity: 'moderate' }],
  [{ kind: 'effusion', side: 'bilateral', severity: 'small' }],
  ...(['mild', 'moderate', 'severe'] as const).map((severity) => [{ kind: 'cardiomegaly', severity } as Finding]),
  [{ kind: 'nodule', side: 'right', lobe: 'upper lobe' }],
  [{ kind: 'mass', side: 'left', lobe: 'lower lobe' }],
  [{ kind: 'granuloma', side: 'right', lobe: 'middle lobe' }],
  [{ kind: 'opacity', side: 'right', lobe: 'lower lobe', descriptor: 'patchy' }],
  [{ kind: 'opacity', side: 'left', lobe: 'upper lobe', descriptor: 'focal' }],
  [{ kind: 'atelectasis', side: 'left', lobe: 'lower lobe', severity: 'mild' }],
  ...(['small', 'moderate', 'large'] as const).map((severity) => [
    { kind: 'pneumothorax', side: 'right', severity } as Finding,
  ]),
  [{ kind: 'hyperdistention' }],
  [{ kind: 'hypoinflation' }],
  [{ kind: 'catheter', side: 'right' }],
  [{ kind: 'scoliosis', side: 'right', severity: 'mild' }],
  [{ kind: 'scoliosis', side: 'left', severity: 'moderate' }],
  [{ kind: 'degenerative', severity: 'moderate' }],
  [{ kind: 'rib-fracture', side: 'left' }],
];

/** A PNG contact sheet of `GALLERY_FINDINGS`, each tile captioned with its MeSH annotation. */
export async function renderGallery(size = 256, columns = 6, seed = 7): Promise<Buffer> {
  const caption = 22;
  const rows = Math.ceil(GALLERY_FINDINGS.length / columns);
  const tiles = GALLERY_FINDINGS.map((findings, i) => {
    const pixels = renderRadiograph(findings, new Random(seed * 7919 + i), size);
    const bytes = Buffer.alloc(size * size);
    for (let p = 0; p < pixels.length; p++) bytes[p] = Math.round((pixels[p] as number) * 255);
    const label = findings.length === 0 ? 'normal' : findings.map(meshOf).join('; ');
    return { bytes, label, left: (i % columns) * size, top: Math.floor(i / columns) * (size + caption) };
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${columns * size}" height="${rows * (size + caption)}">${tiles
    .map(
      (t) =>
        `<text x="${t.left + 4}" y="${t.top + size + 16}" font-family="DejaVu Sans, sans-serif" font-size="${Math.max(9, Math.round(size / 22))}" fill="white">${escapeText(t.label)}</text>`,
    )
    .join('')}</svg>`;
  const composites = [
    ...tiles.map((t) => ({
      input: t.bytes,
      raw: { width: size, height: size, channels: 1 as const },
      left: t.left,
      top: t.top,
    })),
    { input: Buffer.from(svg), left: 0, top: 0 },
  ];
  return sharp({ create: { width: columns * size, height: rows * (size + caption), channels: 3, background: '#000' } })
    .composite(composites)
    .png()
    .toBuffer();
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}
