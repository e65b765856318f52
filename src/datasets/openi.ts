import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { cxrError, isCxrError } from '../errors.js';
import type { ImportEvent, Importer, ImporterContext, ReportSections, StudyRecord } from './record.js';

export interface OpenIOptions {
  /** The folder of eCitation report XML files (`ecgen-radiology/`). */
  reports: string;
  /** File name pattern of an image, from its parentImage id: `png` (the published PNGs) or `dcm` (a DICOM folder). */
  imageExtension?: 'png' | 'dcm';
}

const SECTIONS = ['COMPARISON', 'INDICATION', 'FINDINGS', 'IMPRESSION'] as const;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  trimValues: true,
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name) => ['AbstractText', 'major', 'parentImage'].includes(name),
});

/**
 * OpenI / IU X-ray: one eCitation XML per report; its `parentImage` ids name the image files (`<id>.png`, or
 * `<id>.dcm` in a DICOM folder). A file that cannot be read, is not XML, declares entities, or lacks one of the four
 * labelled sections or the MeSH annotation, is skipped with REPORT_MALFORMED; the other files import.
 */
export const openiImporter: Importer<OpenIOptions> = {
  name: 'openi',
  async *read(options: OpenIOptions, context?: ImporterContext): AsyncIterable<ImportEvent> {
    const files = (await listXml(options.reports)).sort(byNumberThenName);
    context?.expectTotal?.(files.length);
    for (const file of files) {
      let xml: string;
      try {
        xml = await readFile(join(options.reports, file), 'utf8');
      } catch (error) {
        const why = `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
        yield { skipped: { code: 'REPORT_MALFORMED', item: file, message: `${file}: ${why}` } };
        continue;
      }
      try {
        yield { record: parseOpenIReport(xml, file, options.imageExtension ?? 'png') };
      } catch (error) {
        if (!isCxrError(error)) throw error;
        yield { skipped: { code: error.code, item: file, message: error.message } };
      }
    }
  },
};

export function parseOpenIReport(xml: string, file: string, imageExtension: 'png' | 'dcm'): StudyRecord {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw malformed(file, `not well-formed XML (${valid.err.msg}, line ${valid.err.line})`);
  // Report files need no DTD; entity declarations are where entity expansion and external-file attacks live.
  if (/<!DOCTYPE[^>[]*\[/i.test(xml))
    throw malformed(
      file,
      'declares a DOCTYPE with its own declarations (entities); report files are read without DTDs',
    );
  let doc: { eCitation?: Record<string, unknown> };
  try {
    doc = parser.parse(xml) as typeof doc;
  } catch (error) {
    throw malformed(file, `cannot be parsed (${(error as Error).message})`);
  }
  const root = doc.eCitation;
  if (root === undefined) throw malformed(file, 'no eCitation element');
  const sourceId = attribute(root.IUXRId) ?? attribute(root.uId);
  if (sourceId === undefined) throw malformed(file, 'no IUXRId or uId');
  const abstract = (
    (root.MedlineCitation as Record<string, unknown> | undefined)?.Article as Record<string, unknown> | undefined
  )?.Abstract as { AbstractText?: Array<string | Record<string, string>> } | undefined;
  const report = sections(abstract?.AbstractText ?? [], file);
  const mesh = root.MeSH as { major?: unknown[] } | undefined;
  if (mesh === undefined || mesh.major === undefined) throw malformed(file, 'no MeSH/major annotation');
  const images = ((root.parentImage as Array<Record<string, unknown>> | undefined) ?? []).map((image) => {
    const id = String(image['@_id']);
    return { id, path: `${id}.${imageExtension}` };
  });
  return {
    sourceId: String(sourceId),
    images,
    report,
    annotations: mesh.major
      .map((major) => ({ kind: 'mesh' as const, raw: String(textOf(major)) }))
      .filter((a) => a.raw.trim() !== ''),
  };
}

function sections(texts: Array<string | Record<string, string>>, file: string): ReportSections {
  const found = new Map<string, string>();
  for (const text of texts) {
    if (typeof text === 'object' && text['@_Label'] !== undefined)
      found.set(text['@_Label'], String(text['#text'] ?? ''));
  }
  const missing = SECTIONS.filter((label) => !found.has(label));
  if (missing.length > 0) throw malformed(file, `missing report section(s) ${missing.join(', ')}`);
  const value = (label: string) => (found.get(label) ?? '').trim() || undefined;
  return {
    comparison: value('COMPARISON'),
    indication: value('INDICATION'),
    findings: value('FINDINGS'),
    impression: value('IMPRESSION'),
  };
}

function attribute(node: unknown): string | undefined {
  return typeof node === 'object' && node !== null && '@_id' in node
    ? String((node as { '@_id': unknown })['@_id'])
    : undefined;
}

function textOf(node: unknown): string {
  return typeof node === 'object' && node !== null
    ? String((node as { '#text'?: unknown })['#text'] ?? '')
    : String(node);
}

function malformed(file: string, why: string) {
  return cxrError('REPORT_MALFORMED', `${file}: ${why}`, { file });
}

async function listXml(folder: string): Promise<string[]> {
  try {
    return (await readdir(folder)).filter((name) => name.toLowerCase().endsWith('.xml'));
  } catch {
    throw cxrError('DATASET_NOT_FOUND', `no report folder at ${folder}`, { path: folder });
  }
}

function byNumberThenName(a: string, b: string): number {
  return Number.parseInt(a, 10) - Number.parseInt(b, 10) || a.localeCompare(b);
}
