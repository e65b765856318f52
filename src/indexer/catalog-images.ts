import { resolveInside } from '../datasets/paths.js';
import { isCxrError } from '../errors.js';
import { NON_FINDING_HEADINGS } from '../labels/vocabulary/qualifiers.js';
import { log } from '../log.js';
import type { Catalog } from '../store/catalog.js';
import type { Finding } from '../store/index-store.js';

/** A catalog image with what the index keeps beside the generated annotation. */
export interface CatalogImage {
  imageId: string;
  studyId: string;
  dataset: string;
  /** Absolute path, resolved inside its dataset's root (symlinks included). */
  file: string;
  /** The dataset's root: the index records the file relative to it, so that the collection can move. */
  root?: string;
  view?: string;
  split?: string;
  report?: string;
  truth: { annotations: string[]; findings: Finding[] };
  /** What the report miner read in the study's report (studies without stated annotations; see db/003). */
  fromReport: { annotations: string[]; findings: Finding[] };
}

interface ImageRow {
  id: string;
  study_id: string;
  dataset: string;
  path: string;
  view: string | null;
  split: string | null;
  root: string | null;
  findings: string | null;
  impression: string | null;
}

interface AnnotationRow {
  image_id: string | null;
  raw: string;
  heading: string;
  location: string;
  laterality: string | null;
  severity: string | null;
}

/**
 * Images with files, in id order (the build's resumable order), optionally of one dataset. A file whose real path
 * leaves its dataset's folder (a symlink made after the import) is left out, and counted in the log.
 */
export function listCatalogImages(catalog: Catalog, dataset?: string): CatalogImage[] {
  const rows = catalog.db
    .prepare(
      `SELECT i.id, i.study_id, s.dataset, i.path, i.view, coalesce(l.split, i.official_split) AS split, d.root,
              r.findings, r.impression
       FROM images i JOIN studies s ON s.id = i.study_id LEFT JOIN dataset_roots d ON d.dataset = s.dataset
       LEFT JOIN image_labels l ON l.image_id = i.id LEFT JOIN reports r ON r.study_id = i.study_id
       WHERE i.status IN ('ok', 'unverified') AND i.path IS NOT NULL ${dataset === undefined ? '' : 'AND s.dataset = ?'}
       ORDER BY i.id`,
    )
    .all(...(dataset === undefined ? [] : [dataset])) as ImageRow[];
  const annotations = catalog.db.prepare(
    'SELECT image_id, raw, heading, location, laterality, severity FROM annotations WHERE study_id = ? ORDER BY id',
  );
  const reportFindings = catalog.db.prepare(
    'SELECT NULL AS image_id, raw, heading, location, laterality, severity FROM report_findings WHERE study_id = ? ORDER BY id',
  );
  let outside = 0;
  const images = rows.flatMap((row): CatalogImage[] => {
    const file = fileOf(row);
    if (file === undefined) {
      outside++;
      return [];
    }
    const own = (annotations.all(row.study_id) as AnnotationRow[]).filter(
      (a) => a.image_id === null || a.image_id === row.id,
    );
    const report = [row.findings, row.impression].filter((part) => part !== null && part.trim() !== '').join('\n');
    return [
      {
        imageId: row.id,
        studyId: row.study_id,
        dataset: row.dataset,
        file,
        ...(row.root === null ? {} : { root: row.root }),
        ...(row.view === null ? {} : { view: row.view }),
        ...(row.split === null ? {} : { split: row.split }),
        ...(report === '' ? {} : { report }),
        truth: asFindings(own),
        fromReport: asFindings(reportFindings.all(row.study_id) as AnnotationRow[]),
      },
    ];
  });
  if (outside > 0) log.info(`${outside} images left out: symlinks leading outside their dataset folder`);
  return images;
}

function fileOf(row: ImageRow): string | undefined {
  try {
    return resolveInside(row.root ?? '.', row.path);
  } catch (error) {
    if (isCxrError(error, 'IMAGE_OUTSIDE_DATASET')) return undefined;
    throw error;
  }
}

function asFindings(rows: AnnotationRow[]): CatalogImage['truth'] {
  return {
    annotations: rows.map((a) => a.raw),
    findings: rows
      .filter((a) => !NON_FINDING_HEADINGS.has(a.heading))
      .map((a) => ({
        disease: a.heading,
        ...(a.laterality === null ? {} : { side: a.laterality }),
        ...(a.severity === null ? {} : { severity: a.severity }),
        locations: JSON.parse(a.location) as string[],
      })),
  };
}
