import { existsSync } from 'node:fs';
import { cxrError } from '../errors.js';
import type { CsvRow } from './csv.js';
import type { AnnotationRecord, ImportEvent, Importer, ImporterContext, StudyRecord } from './record.js';
import { headingOfLabel } from './vocabulary-heading.js';
import { readLabelCsv } from './zip-csv.js';

export interface GoogleNihOptions {
  /** `google2019_nih-chest-xray-labels.csv(.gz)`: ChestX-ray14's columns and the four expert verdicts, YES/NO. */
  labels: string;
}

/**
 * The four findings Google's radiologists adjudicated (Majkowski et al., Radiology 2019), with the ChestX-ray14
 * labels each verdict stands in for.
 */
export const EXPERT_FINDINGS: ReadonlyArray<{ column: string; replaces: readonly string[] }> = [
  { column: 'Fracture', replaces: [] },
  { column: 'Pneumothorax', replaces: ['Pneumothorax'] },
  { column: 'Airspace opacity', replaces: [] },
  { column: 'Nodule or mass', replaces: ['Nodule', 'Mass'] },
];

const SETS: Record<string, 'validation' | 'test'> = { val: 'validation', validation: 'validation', test: 'test' };

/**
 * The NIH Google expert labels, joined onto the ChestX-ray14 images they judge (same file names, so the same
 * image folder): an image's truth is its ChestX-ray14 labels with the experts' verdicts in place of NIH's for the
 * findings they judged — a YES is the finding, a NO removes NIH's label for it (NIH's `Pneumothorax`; its `Nodule`
 * and `Mass`, judged together as `Nodule or mass`); NIH's other labels stay. An image left with no finding is
 * `normal`. All names are the vocabulary's headings (`Fracture` → `Fractures, Bone`, `Airspace opacity` →
 * `Opacity`); `Nodule or mass` has no concept of its own and stays as published. `Set Id` is the published split.
 */
export const googleNihImporter: Importer<GoogleNihOptions> = {
  name: 'google-nih',
  async *read(options: GoogleNihOptions, _context?: ImporterContext): AsyncIterable<ImportEvent> {
    if (!existsSync(options.labels))
      throw cxrError('DATASET_NOT_FOUND', `no label file at ${options.labels}`, { path: options.labels });
    for await (const event of readLabelCsv(options.labels, {
      required: ['Image Index', 'Finding Labels', 'Patient ID', ...EXPERT_FINDINGS.map((f) => f.column)],
    })) {
      if ('skipped' in event) {
        yield event;
        continue;
      }
      yield { record: recordOf(event.row) };
    }
  },
};

function recordOf(row: CsvRow): StudyRecord {
  const file = row['Image Index'] as string;
  const judged = new Set(EXPERT_FINDINGS.flatMap((f) => f.replaces));
  const labels = (row['Finding Labels'] ?? '')
    .split('|')
    .map((label) => label.trim())
    .filter((label) => label !== '' && label !== 'No Finding' && !judged.has(label));
  for (const finding of EXPERT_FINDINGS)
    if ((row[finding.column] ?? '').trim().toUpperCase() === 'YES') labels.push(finding.column);
  const headings = [...new Set(labels.map(headingOfLabel))];
  const annotations: AnnotationRecord[] = (headings.length > 0 ? headings : ['normal']).map((raw) => ({
    kind: 'finding',
    raw,
  }));
  const [width, height] = (row['OriginalImage[Width,Height]'] ?? '').split(',').map(Number);
  const age = Number(row['Patient Age']);
  const split = SETS[(row['Set Id'] ?? '').trim().toLowerCase()];
  return {
    sourceId: file.replace(/\.png$/i, ''),
    patient: {
      id: String(Number(row['Patient ID'])),
      ...(row['Patient Gender'] ? { sex: row['Patient Gender'] } : {}),
      ...(row['Patient Age'] && Number.isFinite(age) ? { age } : {}),
    },
    images: [
      {
        id: file,
        path: file,
        ...(row['View Position'] ? { view: row['View Position'] } : {}),
        ...(Number.isFinite(width) && Number.isFinite(height) ? { width, height } : {}),
        ...(split === undefined ? {} : { officialSplit: split }),
      },
    ],
    annotations,
  };
}
