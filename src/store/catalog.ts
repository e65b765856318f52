import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { ReportSections, SkippedItem, StudyRecord } from '../datasets/record.js';
import { parseFinding, parseMesh } from '../labels/mesh.js';
import {
  datasetRoot,
  importFolder,
  rebaseLegacyPaths,
  recordImportFolder,
  setDatasetRoot,
  storedImagePath,
} from './dataset-roots.js';
import { migrate } from './migrations.js';

/** The catalog schema from which image paths are relative to their dataset's root (db/004). */
const DATASET_ROOTS_VERSION = 4;

export type ImageStatus = 'ok' | 'missing' | 'unverified';

/** A finding the report miner read in a study's own report (source `report`; see db/003). */
export interface ReportFinding {
  /** The miner's MeSH-style string (`Pleural Effusion/left/small`), or `normal`. */
  raw: string;
  /** The clause hedges it ("likely", "consistent with"); the miner still counts it, as `cxr eval-miner` scores it. */
  hedged: boolean;
  evidence?: string;
}

/** A study the miner reads: one whose record states no annotation, with its report. */
export interface ReportToMine {
  studyId: string;
  report: ReportSections;
}

/** An image of a record after the import pipeline checked its file. */
export interface CheckedImage {
  id: string;
  status: ImageStatus;
  width?: number;
  height?: number;
}

export interface CatalogStats {
  studies: number;
  images: number;
  imagesByStatus: Record<string, number>;
  reports: number;
  reportsWithoutImages: number;
  annotations: number;
  /** Findings the miner read in reports of studies without stated annotations (`normal` included). */
  reportFindings: number;
  normalStudies: number;
  datasets: string[];
}

/** The catalog: one SQLite file (WAL) holding what datasets contain. Schema: `db/*.sql`. */
export class Catalog {
  readonly db: Database.Database;

  private constructor(db: Database.Database) {
    this.db = db;
  }

  static open(path: string): Catalog {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    const before = db.pragma('user_version', { simple: true }) as number;
    migrate(db);
    if (before > 0 && before < DATASET_ROOTS_VERSION) db.transaction(() => rebaseLegacyPaths(db))();
    return new Catalog(db);
  }

  close(): void {
    this.db.close();
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  beginImport(importer: string, dataset: string, source: string, options: unknown): number {
    const result = this.db
      .prepare('INSERT INTO imports (importer, dataset, source, options, started_at) VALUES (?, ?, ?, ?, ?)')
      .run(importer, dataset, source, JSON.stringify(options), new Date().toISOString());
    const importId = Number(result.lastInsertRowid);
    const images = (options as { images?: unknown } | undefined)?.images;
    if (typeof images === 'string') recordImportFolder(this.db, importId, dataset, images);
    return importId;
  }

  /** The folder the dataset's image paths are relative to, if it has one. */
  datasetRoot(dataset: string): string | undefined {
    return datasetRoot(this.db, dataset);
  }

  /** Records another folder for the dataset's images (the collection moved; see `cxr relocate`). */
  relocate(dataset: string, root: string): void {
    setDatasetRoot(this.db, dataset, root);
  }

  /**
   * Up to `limit` of the dataset's image paths (relative to its root) that an import found, spread evenly over the
   * dataset in id order (every image when `limit` is undefined): what a relocation checks.
   */
  imagePaths(dataset: string, limit?: number): string[] {
    const where = `FROM images i JOIN studies s ON s.id = i.study_id
      WHERE s.dataset = ? AND i.path IS NOT NULL AND i.status IN ('ok', 'unverified')`;
    const total = (this.db.prepare(`SELECT count(*) AS n ${where}`).get(dataset) as { n: number }).n;
    const step = limit === undefined || total <= limit ? 1 : total / limit;
    const rows = this.db.prepare(`SELECT i.path AS path ${where} ORDER BY i.id`).iterate(dataset) as Iterable<{
      path: string;
    }>;
    const paths: string[] = [];
    let i = 0;
    for (const row of rows) if (i++ === Math.floor(paths.length * step)) paths.push(row.path);
    return paths;
  }

  finishImport(importId: number, counts: Record<string, number>, skipped: SkippedItem[], finished: boolean): void {
    this.db
      .prepare('UPDATE imports SET finished_at = ?, counts = ?, skipped = ? WHERE id = ?')
      .run(finished ? new Date().toISOString() : null, JSON.stringify(counts), JSON.stringify(skipped), importId);
  }

  /** True when the study is stored with exactly this content: re-importing it is a no-op. */
  isUnchanged(studyId: string, recordHash: string): boolean {
    const row = this.db.prepare('SELECT record_hash AS hash FROM studies WHERE id = ?').get(studyId) as
      | { hash: string }
      | undefined;
    return row?.hash === recordHash;
  }

  /**
   * Writes one study as the record states it: the study, patient, report, images that passed their checks and the
   * parsed ground truth, and what the miner read in its report (`fromReport`, for a record without annotations).
   * Images of the record that failed a check keep any row the catalog already had.
   */
  writeStudy(
    dataset: string,
    importId: number,
    record: StudyRecord,
    recordHash: string,
    checked: CheckedImage[],
    fromReport: ReportFinding[] = [],
  ): void {
    const studyId = `${dataset}:${record.sourceId}`;
    const patientId = record.patient === undefined ? null : `${dataset}:${record.patient.id}`;
    if (record.patient !== undefined) {
      this.db
        .prepare(
          `INSERT INTO patients (id, dataset, sex, age) VALUES (?, ?, ?, ?)
           ON CONFLICT(id) DO UPDATE SET sex = excluded.sex, age = excluded.age`,
        )
        .run(patientId, dataset, record.patient.sex ?? null, record.patient.age ?? null);
    }
    this.db
      .prepare(
        `INSERT INTO studies (id, dataset, source_id, patient_id, import_id, record_hash) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET patient_id = excluded.patient_id, import_id = excluded.import_id,
           record_hash = excluded.record_hash`,
      )
      .run(studyId, dataset, record.sourceId, patientId, importId, recordHash);
    this.writeReport(studyId, record);
    this.writeImages(dataset, importId, studyId, record, checked);
    this.writeAnnotations(dataset, studyId, record);
    this.writeReportFindings(studyId, record.annotations.length === 0 ? fromReport : []);
  }

  /** Replaces a study's report findings. */
  writeReportFindings(studyId: string, findings: ReportFinding[]): void {
    this.db.prepare('DELETE FROM report_findings WHERE study_id = ?').run(studyId);
    const insert = this.db.prepare(
      `INSERT INTO report_findings (study_id, raw, heading, location, laterality, severity, descriptors, hedged, evidence)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const finding of findings) {
      const parsed = parseMesh(finding.raw);
      insert.run(
        studyId,
        finding.raw,
        parsed.topTerm,
        JSON.stringify(parsed.location),
        parsed.laterality ?? null,
        parsed.severity ?? null,
        JSON.stringify(parsed.descriptors),
        finding.hedged ? 1 : 0,
        finding.evidence ?? null,
      );
    }
  }

  /** A study's report findings, in the miner's order. */
  reportFindings(studyId: string): ReportFinding[] {
    const rows = this.db
      .prepare('SELECT raw, hedged, evidence FROM report_findings WHERE study_id = ? ORDER BY id')
      .all(studyId) as Array<{ raw: string; hedged: number; evidence: string | null }>;
    return rows.map((row) => ({
      raw: row.raw,
      hedged: row.hedged === 1,
      ...(row.evidence === null ? {} : { evidence: row.evidence }),
    }));
  }

  /** Studies with a report and no stated annotation (of one dataset, or every one), in id order. */
  *reportsToMine(dataset?: string): Generator<ReportToMine> {
    const rows = this.db
      .prepare(
        `SELECT s.id, r.comparison, r.indication, r.findings, r.impression FROM studies s JOIN reports r ON r.study_id = s.id
         WHERE NOT EXISTS (SELECT 1 FROM annotations a WHERE a.study_id = s.id) ${dataset === undefined ? '' : 'AND s.dataset = ?'}
         ORDER BY s.id`,
      )
      .all(...(dataset === undefined ? [] : [dataset])) as Array<Record<string, string | null>>;
    for (const row of rows) {
      const report: ReportSections = {};
      for (const key of ['comparison', 'indication', 'findings', 'impression'] as const) {
        const value = row[key];
        if (value !== null && value !== undefined) report[key] = value;
      }
      yield { studyId: row.id as string, report };
    }
  }

  private writeReport(studyId: string, record: StudyRecord): void {
    this.db.prepare('DELETE FROM reports WHERE study_id = ?').run(studyId);
    const r = record.report;
    if (r === undefined) return;
    this.db
      .prepare('INSERT INTO reports (study_id, comparison, indication, findings, impression) VALUES (?, ?, ?, ?, ?)')
      .run(studyId, r.comparison ?? null, r.indication ?? null, r.findings ?? null, r.impression ?? null);
  }

  private writeImages(
    dataset: string,
    importId: number,
    studyId: string,
    record: StudyRecord,
    checked: CheckedImage[],
  ): void {
    const folder = importFolder(this.db, importId); // paths are stored relative to the dataset's root
    const keep = new Set(record.images.map((image) => `${dataset}:${image.id}`));
    for (const row of this.db.prepare('SELECT id FROM images WHERE study_id = ?').all(studyId) as Array<{
      id: string;
    }>) {
      if (!keep.has(row.id)) this.db.prepare('DELETE FROM images WHERE id = ?').run(row.id);
    }
    const upsert = this.db.prepare(
      `INSERT INTO images (id, study_id, path, view, status, width, height, official_split) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET study_id = excluded.study_id, path = excluded.path, view = excluded.view,
         status = excluded.status, width = excluded.width, height = excluded.height, official_split = excluded.official_split`,
    );
    const byId = new Map(checked.map((image) => [image.id, image]));
    for (const image of record.images) {
      const check = byId.get(image.id);
      if (check === undefined) continue; // failed its check: whatever the catalog had stays
      upsert.run(
        `${dataset}:${image.id}`,
        studyId,
        image.path === undefined ? null : storedImagePath(folder, image.path),
        image.view ?? null,
        check.status,
        check.width ?? image.width ?? null,
        check.height ?? image.height ?? null,
        image.officialSplit ?? null,
      );
    }
  }

  private writeAnnotations(dataset: string, studyId: string, record: StudyRecord): void {
    this.db.prepare('DELETE FROM annotations WHERE study_id = ?').run(studyId);
    const insert = this.db.prepare(
      `INSERT INTO annotations (study_id, image_id, kind, raw, heading, location, laterality, severity, descriptors, certainty, box)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const known = this.db.prepare('SELECT 1 FROM images WHERE id = ?');
    for (const annotation of record.annotations) {
      const parsed =
        annotation.kind === 'mesh' ? parseMesh(annotation.raw) : parseFinding(annotation.raw, annotation.box);
      const imageId = annotation.imageId === undefined ? null : `${dataset}:${annotation.imageId}`;
      if (imageId !== null && known.get(imageId) === undefined) continue; // its image was skipped
      insert.run(
        studyId,
        imageId,
        annotation.kind,
        annotation.raw,
        parsed.topTerm,
        JSON.stringify(parsed.location),
        parsed.laterality ?? null,
        parsed.severity ?? null,
        JSON.stringify(parsed.descriptors),
        annotation.certainty ?? 'positive',
        annotation.box === undefined ? null : JSON.stringify(annotation.box),
      );
    }
  }

  stats(dataset?: string): CatalogStats {
    const where = dataset === undefined ? '' : 'WHERE s.dataset = @dataset';
    const params = dataset === undefined ? {} : { dataset };
    const count = (sql: string) => (this.db.prepare(sql).get(params) as { n: number }).n;
    const byStatus = this.db
      .prepare(
        `SELECT i.status AS status, COUNT(*) AS n FROM images i JOIN studies s ON s.id = i.study_id ${where} GROUP BY i.status`,
      )
      .all(params) as Array<{ status: string; n: number }>;
    return {
      studies: count(`SELECT COUNT(*) AS n FROM studies s ${where}`),
      images: count(`SELECT COUNT(*) AS n FROM images i JOIN studies s ON s.id = i.study_id ${where}`),
      imagesByStatus: Object.fromEntries(byStatus.map((row) => [row.status, row.n])),
      reports: count(`SELECT COUNT(*) AS n FROM reports r JOIN studies s ON s.id = r.study_id ${where}`),
      reportsWithoutImages: count(
        `SELECT COUNT(*) AS n FROM reports r JOIN studies s ON s.id = r.study_id ${where} ${where ? 'AND' : 'WHERE'}
         NOT EXISTS (SELECT 1 FROM images i WHERE i.study_id = r.study_id)`,
      ),
      annotations: count(`SELECT COUNT(*) AS n FROM annotations a JOIN studies s ON s.id = a.study_id ${where}`),
      reportFindings: count(`SELECT COUNT(*) AS n FROM report_findings f JOIN studies s ON s.id = f.study_id ${where}`),
      normalStudies: count(
        `SELECT COUNT(*) AS n FROM studies s ${where} ${where ? 'AND' : 'WHERE'}
         EXISTS (SELECT 1 FROM annotations a WHERE a.study_id = s.id AND a.heading = 'normal')
         AND NOT EXISTS (SELECT 1 FROM annotations a WHERE a.study_id = s.id AND a.heading <> 'normal')`,
      ),
      datasets: (
        this.db.prepare('SELECT DISTINCT dataset FROM studies ORDER BY dataset').all() as Array<{ dataset: string }>
      ).map((row) => row.dataset),
    };
  }

  /** Where the dataset's (or every) imported records came from: importer and source path, oldest first. */
  importSources(dataset?: string): Array<{ importer: string; source: string }> {
    const where = dataset === undefined ? '' : 'WHERE dataset = ?';
    return this.db
      .prepare(`SELECT importer, source FROM imports ${where} ORDER BY id`)
      .all(...(dataset === undefined ? [] : [dataset])) as Array<{ importer: string; source: string }>;
  }
}
