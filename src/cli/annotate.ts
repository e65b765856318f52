import type { Command } from 'commander';
import { type Annotation, type Annotator, decodeForBundle } from '../cascade/annotator.js';
import { selectBackend } from '../cascade/backend.js';
import { loadBundle } from '../cascade/bundle/load.js';
import { type ErrorCode, isCxrError } from '../errors.js';
import { type BackendOptions, backendRequest, withBackendOption } from './backend-option.js';
import { exitCodeOf } from './exit-codes.js';
import { otherFindings, percent, readingFigure } from './reading.js';
import { beamOption, withBeamOption } from './shared-options.js';

type Reading = { image: string; annotation: Omit<Annotation, 'embeddings'> } | { image: string; error: CxrErrorJson };
interface CxrErrorJson {
  code: ErrorCode;
  message: string;
}

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
      let readings: Reading[];
      try {
        readings = await readEach(annotator, images);
      } finally {
        annotator.dispose();
      }
      if (options.json) {
        const rows = readings.map((r) => ('error' in r ? r : { image: r.image, ...r.annotation }));
        console.log(JSON.stringify(rows, null, 2));
      } else {
        for (const reading of readings) {
          if ('error' in reading) process.stderr.write(`cxr: ${reading.error.code}: ${reading.error.message}\n`);
          else for (const line of annotationLines(reading.image, reading.annotation)) console.log(line);
        }
      }
      // Every readable image is answered; the exit status says whether any was not.
      const failed = readings.find((r) => 'error' in r);
      if (failed !== undefined && 'error' in failed) process.exitCode = exitCodeOf(failed.error);
    });
}

/**
 * Each image decoded on its own, so one that cannot be read (its code and message kept) does not stop the others,
 * which are then read together.
 */
async function readEach(annotator: Annotator, images: string[]): Promise<Reading[]> {
  const decoded = await Promise.all(
    images.map((image) =>
      decodeForBundle(annotator.manifest, [image]).then(
        ([pixels]) => ({ image, pixels }),
        (error: unknown) => {
          if (!isCxrError(error)) throw error;
          return { image, error: { code: error.code, message: error.message } };
        },
      ),
    ),
  );
  const good = decoded.flatMap((d) => ('pixels' in d && d.pixels !== undefined ? [d.pixels] : []));
  const annotations = good.length > 0 ? await annotator.annotateDecoded(good) : [];
  let next = 0;
  return decoded.map((d) => {
    if ('error' in d) return d;
    const { embeddings: _, ...annotation } = annotations[next++] as Annotation;
    return { image: d.image, annotation };
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
