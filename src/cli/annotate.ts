import type { Command } from 'commander';
import type { Annotation } from '../cascade/annotator.js';
import { selectBackend } from '../cascade/backend.js';
import { loadBundle } from '../cascade/bundle/load.js';
import { type BackendOptions, backendRequest, withBackendOption } from './backend-option.js';
import { otherFindings, percent, readingFigure } from './reading.js';
import { beamOption, withBeamOption } from './shared-options.js';

/** `cxr annotate IMAGE…`: the cascade's reading of any image, no index needed. */
export function registerAnnotateCommand(program: Command): void {
  withBeamOption(withBackendOption(program.command('annotate')))
    .description("The cascade's reading of images: annotation, disease, side, location, severity, confidence")
    .argument('<images...>', 'image files (PNG, JPEG, TIFF, DICOM)')
    .option('--bundle <dir>', 'the model bundle', '.cxr/bundle')
    .option('--json', 'machine-readable output (embeddings left out)')
    .action(async (images: string[], options: BackendOptions & { bundle: string; beam: string; json?: boolean }) => {
      const beam = beamOption(options.beam);
      await selectBackend(backendRequest(options));
      const annotator = await loadBundle(options.bundle, { beam });
      try {
        const annotations = await annotator.annotate(images);
        if (options.json) {
          console.log(
            JSON.stringify(
              annotations.map(({ embeddings: _, ...a }, i) => ({ image: images[i], ...a })),
              null,
              2,
            ),
          );
          return;
        }
        annotations.forEach((a, i) => {
          for (const line of annotationLines(images[i] as string, a)) console.log(line);
        });
      } finally {
        annotator.dispose();
      }
    });
}

/**
 * A reading for people. Each finding's figure once: with the per-finding head, its calibrated probabilities (the
 * class's finding on the disease line, the others below); without it, the class probabilities as before.
 */
export function annotationLines(image: string, a: Omit<Annotation, 'embeddings'>): string[] {
  const context = `${a.side ? `, side ${a.side}` : ''}${a.locations.length ? `, ${a.locations.join(', ')}` : ''}${a.severity ? `, ${a.severity}` : ''}`;
  const others =
    a.findings.length > 0
      ? `  findings: ${
          otherFindings(a)
            .map((f) => `${f.finding} ${percent(f.probability)}`)
            .join(', ') || 'none other'
        }`
      : `  alternatives: ${a.alternatives.map((alt) => `${alt.disease} ${percent(alt.probability)}`).join(', ')}`;
  return [
    image,
    `  ${a.sequence.join(' ')}`,
    `  disease ${a.disease} (${percent(readingFigure(a))})${context}`,
    others,
  ];
}
