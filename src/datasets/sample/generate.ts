import { existsSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { z } from 'zod';
import { ensureDirectory } from '../../files/ensure-directory.js';
import { Random } from '../../random.js';
import type { ReportSections } from '../record.js';
import { type Finding, meshOf, sampleFindings } from './findings.js';
import { renderRadiograph } from './radiograph.js';
import { toOpenIXml, writeReport } from './report.js';

export const SampleOptions = z.object({
  count: z.number().int().min(1).max(1_000_000).default(2000),
  size: z.number().int().min(32).max(2048).default(256),
  seed: z.number().int().min(0).default(1),
});
export type SampleOptions = z.input<typeof SampleOptions>;

/** One synthetic study: its findings (the ground truth), MeSH strings and report. Pixels are rendered on demand. */
export interface SampleStudy {
  /** 1-based, as OpenI numbers its reports. */
  number: number;
  imageId: string;
  findings: Finding[];
  mesh: string[];
  report: ReportSections;
}

/** Each study draws from its own streams (seed, number): any one can be regenerated alone, in any order. */
function stream(seed: number, number: number, purpose: number): Random {
  return new Random(
    (Math.imul(seed + 1, 0x9e3779b1) ^ Math.imul(number, 0x85ebca6b) ^ Math.imul(purpose, 0xc2b2ae35)) >>> 0,
  );
}

export function sampleStudy(seed: number, number: number): SampleStudy {
  const random = stream(seed, number, 1);
  const findings = sampleFindings(random);
  return {
    number,
    imageId: `CXR${number}_1_IM-${String(number).padStart(4, '0')}-1001`,
    findings,
    mesh: findings.length === 0 ? ['normal'] : findings.map(meshOf),
    report: writeReport(findings, random),
  };
}

export function renderStudy(study: SampleStudy, seed: number, size: number): Float32Array {
  return renderRadiograph(study.findings, stream(seed, study.number, 2), size);
}

/** 8-bit grey PNG; the fastest zlib level, since quantum noise leaves little to compress anyway. */
export function toGreyPng(pixels: Float32Array, size: number): Promise<Buffer> {
  const bytes = Buffer.alloc(pixels.length);
  for (let i = 0; i < pixels.length; i++) bytes[i] = Math.round((pixels[i] as number) * 255);
  // Without b-w, sharp writes one raw channel as RGB: three equal channels, a bigger file, a slower decode.
  return sharp(bytes, { raw: { width: size, height: size, channels: 1 } })
    .toColourspace('b-w')
    .png({ compressionLevel: 1, adaptiveFiltering: false })
    .toBuffer();
}

export interface SampleSummary {
  out: string;
  studies: number;
  written: number;
  reused: number;
  normal: number;
}

/**
 * Writes an OpenI-format dataset: `reports/N.xml` (eCitation), `images/<parentImage id>.png` and
 * `ground-truth.jsonl` (each study's findings with side, lobe, grade). Files already there from the same seed
 * are kept, so an interrupted run resumes; every file is written whole (temporary name, then rename).
 */
export async function writeSampleDataset(
  out: string,
  input: SampleOptions,
  onProgress?: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<SampleSummary> {
  const options = SampleOptions.parse(input);
  await ensureDirectory(out, 'out');
  await ensureDirectory(join(out, 'reports'), 'out');
  await ensureDirectory(join(out, 'images'), 'out');
  const summary: SampleSummary = { out, studies: 0, written: 0, reused: 0, normal: 0 };
  const truth: string[] = [];
  const inFlight = new Set<Promise<void>>();
  for (let number = 1; number <= options.count && !signal?.aborted; number++) {
    const study = sampleStudy(options.seed, number);
    truth.push(JSON.stringify({ report: number, image: study.imageId, findings: study.findings, mesh: study.mesh }));
    summary.studies++;
    if (study.findings.length === 0) summary.normal++;
    const xmlPath = join(out, 'reports', `${number}.xml`);
    const pngPath = join(out, 'images', `${study.imageId}.png`);
    if (existsSync(xmlPath) && existsSync(pngPath)) {
      summary.reused++;
    } else {
      const png = toGreyPng(renderStudy(study, options.seed, options.size), options.size);
      const task = (async () => {
        await writeWhole(pngPath, await png);
        await writeWhole(xmlPath, toOpenIXml(number, study.report, study.mesh, [study.imageId]));
      })();
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task));
      // Encoding (libvips threads) and file writes overlap with rendering the next image.
      if (inFlight.size >= 8) await Promise.race(inFlight);
      summary.written++;
    }
    onProgress?.(number, options.count);
  }
  await Promise.all(inFlight);
  if (!signal?.aborted) await writeWhole(join(out, 'ground-truth.jsonl'), `${truth.join('\n')}\n`);
  return summary;
}

async function writeWhole(path: string, data: string | Buffer): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}`;
  await writeFile(temporary, data);
  await rename(temporary, path);
}
