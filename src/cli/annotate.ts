import type { Command } from 'commander';
import { selectBackend } from '../cascade/backend.js';
import { loadBundle } from '../cascade/bundle/load.js';
import { type BackendOptions, backendRequest, withBackendOption } from './backend-option.js';
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
          console.log(`${images[i]}`);
          console.log(`  ${a.sequence.join(' ')}`);
          console.log(
            `  disease ${a.disease} (${(a.confidence * 100).toFixed(0)}%)${a.side ? `, side ${a.side}` : ''}${a.locations.length ? `, ${a.locations.join(', ')}` : ''}${a.severity ? `, ${a.severity}` : ''}`,
          );
          console.log(
            `  alternatives: ${a.alternatives.map((alt) => `${alt.disease} ${(alt.probability * 100).toFixed(0)}%`).join(', ')}`,
          );
        });
      } finally {
        annotator.dispose();
      }
    });
}
