import type { ReportSections } from './record.js';

/** Where MIMIC-CXR keeps a study's free-text report, relative to the reports folder. */
export function mimicReportPath(subject: string, study: string): string {
  return `files/p${subject.slice(0, 2)}/p${subject}/s${study}.txt`;
}

/** A section heading on a line of its own or leading one: `FINDINGS:`, `IMPRESSION:`, `WET READ:`. */
const HEADING = /^[ \t]*([A-Z][A-Z &/()-]*[A-Z)])[ \t]*:/gm;

/**
 * A MIMIC-CXR report (`sNNNNNNNN.txt`) as sections. The reports are typed with fixed-width line breaks, so the lines
 * of a paragraph are joined (the miner reads a line break as a sentence end); paragraphs stay apart. FINDINGS and
 * IMPRESSION are what the miner reads; a report with neither (a few hundred in MIMIC-CXR) gives its last section
 * as the findings, as MIMIC-CXR's own section splitter does.
 */
export function parseMimicReport(text: string): ReportSections {
  const sections = new Map<string, string>();
  const headings = [...text.matchAll(HEADING)];
  let last: string | undefined;
  for (const [i, heading] of headings.entries()) {
    const start = (heading.index ?? 0) + heading[0].length;
    const end = headings[i + 1]?.index ?? text.length;
    const name = (heading[1] as string).replace(/\s+/g, ' ');
    const body = paragraphs(text.slice(start, end));
    if (body === '') continue;
    sections.set(name, sections.has(name) ? `${sections.get(name)}\n${body}` : body);
    last = name;
  }
  const value = (...names: string[]) => names.map((n) => sections.get(n)).find((v) => v !== undefined);
  const report: ReportSections = {};
  const set = (key: keyof ReportSections, found: string | undefined) => {
    if (found !== undefined) report[key] = found;
  };
  set('comparison', value('COMPARISON', 'COMPARISONS'));
  set('indication', value('INDICATION', 'HISTORY', 'CLINICAL HISTORY', 'REASON FOR EXAMINATION'));
  set('findings', value('FINDINGS'));
  set('impression', value('IMPRESSION', 'CONCLUSION'));
  if (report.findings === undefined && report.impression === undefined) {
    // No headed findings: the text after the last heading, or the whole text when the report has no headings.
    const body = last === undefined ? paragraphs(text.replace(/^\s*FINAL REPORT\s*$/m, '')) : sections.get(last);
    const kept = new Set(['COMPARISON', 'COMPARISONS', 'INDICATION', 'HISTORY', 'CLINICAL HISTORY', 'TECHNIQUE']);
    if (body !== undefined && body !== '' && (last === undefined || !kept.has(last))) report.findings = body;
  }
  return report;
}

function paragraphs(text: string): string {
  return text
    .split(/\n[ \t]*\n/)
    .map((paragraph) => paragraph.replace(/\s+/g, ' ').trim())
    .filter((paragraph) => paragraph !== '')
    .join('\n');
}
