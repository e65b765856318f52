import { basename } from 'node:path';
import { cxrError } from '../errors.js';

/** What a generic collection file (CSV or JSONL) may say about an image; `image` is the one it must say. */
export const MANIFEST_FIELDS = [
  'image',
  'study',
  'patient',
  'view',
  'labels',
  'mesh',
  'report',
  'findings',
  'impression',
  'split',
  'sex',
  'age',
] as const;
export type ManifestField = (typeof MANIFEST_FIELDS)[number];
export type ColumnMap = Partial<Record<ManifestField, string>>;

const REQUIRED: readonly ManifestField[] = ['image'];

/**
 * Parses `--columns image=filename,patient=patientid,labels=finding`: which column holds each field. A column name
 * may itself hold commas or spaces (`OriginalImage[Width,Height]`): a comma only separates pairs when a field name
 * and `=` follow it. An unknown field or a pair without `=` is INVALID_OPTION.
 */
export function parseColumnMap(text: string): ColumnMap {
  const map: ColumnMap = {};
  const pairs = text.split(new RegExp(`,(?=\\s*(?:${MANIFEST_FIELDS.join('|')})\\s*=)`, 'i'));
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const field = pair.slice(0, at).trim().toLowerCase();
    const column = pair.slice(at + 1).trim();
    if (at < 0 || column === '' || !(MANIFEST_FIELDS as readonly string[]).includes(field)) {
      throw cxrError(
        'INVALID_OPTION',
        `--columns takes field=column pairs, the fields being ${MANIFEST_FIELDS.join(', ')}; '${pair.trim()}' is not one`,
        { option: 'columns', value: text },
      );
    }
    map[field as ManifestField] = column;
  }
  return map;
}

/**
 * Which of `found` (a CSV header, or a JSONL record's keys) holds each field: the column `--columns` names, else
 * one named like the field (case aside). A required field with no column, or a mapping that names a column the file
 * lacks, is one CSV_HEADER error before any row is read, naming the columns found and the flag that maps them.
 */
export function resolveColumns(found: string[], mapping: ColumnMap, file: string): Map<ManifestField, string> {
  const byLowerName = new Map(found.map((name) => [name.toLowerCase(), name]));
  const pick = (name: string) => (found.includes(name) ? name : byLowerName.get(name.toLowerCase()));
  const resolved = new Map<ManifestField, string>();
  const problems: string[] = [];
  for (const field of MANIFEST_FIELDS) {
    const asked = mapping[field];
    const column = pick(asked ?? field);
    if (column !== undefined) resolved.set(field, column);
    else if (asked !== undefined) problems.push(`--columns maps ${field} to '${asked}', which it has no column named`);
    else if (REQUIRED.includes(field)) problems.push(`no '${field}' column`);
  }
  if (problems.length > 0) {
    const missing = REQUIRED.filter((field) => !resolved.has(field));
    const example = missing.length > 0 ? missing.map((field) => `${field}=<column>`).join(',') : 'field=column,…';
    throw cxrError(
      'CSV_HEADER',
      `${basename(file)}: ${problems.join('; ')}. Columns found: ${found.join(', ') || '(none)'}. Say which column holds what with --columns ${example} (fields: ${MANIFEST_FIELDS.join(', ')})`,
      { file, found, missing, mapping },
    );
  }
  return resolved;
}
