import type Database from 'better-sqlite3';
import { clausesOfReport, type Polarity } from '../labels/reports/clauses.js';
import { indexFolderOf, ROOT_DIR_SQL, resolvedFile, storedFile } from './index-paths.js';
import { closeIndexDatabase, type IndexAccess, openIndexDatabase } from './open-database.js';

/** One finding of an image: what the cascade generated, what the dataset states, or what its report says. */
export interface Finding {
  disease: string;
  side?: string;
  severity?: string;
  locations: string[];
  /** Generated findings of bundles with the per-finding head: the head's calibrated probability. */
  probability?: number;
}

/**
 * A generated finding with a calibrated probability below this does not count as present (for a disease query, a
 * negation, a facet, the FTS text) unless the query's `confidence:` sets another threshold.
 */
export const PRESENT_PROBABILITY = 0.5;

/**
 * Whose finding: the dataset's stated annotations (`truth`), the report miner's reading of the collection's own report
 * of a study without stated annotations (`report`), the cascade's reading of the image (`generated`).
 */
export type FindingSource = 'generated' | 'truth' | 'report';
export type EmbeddingKind = 'first' | 'final';

/** Everything the index keeps about one image. */
export interface IndexEntry {
  imageId: string;
  dataset: string;
  studyId?: string;
  /** Absolute path of the image file. */
  file: string;
  /** The dataset's folder, when `file` lies in it: the index stores the file relative to it (see index-paths.ts). */
  root?: string;
  view?: string;
  split?: string;
  generated: {
    sequence: string[];
    disease: string;
    side?: string;
    severity?: string;
    locations: string[];
    confidence: number;
    /** Class probability × the decoder's word probabilities (absent in older indexes). */
    readingConfidence?: number;
    alternatives: Array<{ disease: string; probability: number }>;
    findings: Finding[];
  };
  truth: { annotations: string[]; findings: Finding[] };
  /** What the report miner read in the study's report, when the dataset states no annotation (default none). */
  fromReport?: { annotations: string[]; findings: Finding[] };
  report?: string;
  embeddings: { first: Float32Array; final: Float32Array };
  /** `added`: added after the build (cxr add, POST /api/images), which a rebuild annotates again; default `build`. */
  origin?: EntryOrigin;
}

export type EntryOrigin = 'build' | 'added';

/** An entry as stored, with its label; without its embeddings (read those with `embedding`). */
export interface StoredEntry extends Omit<IndexEntry, 'embeddings' | 'fromReport' | 'root' | 'origin'> {
  label: number;
  origin: EntryOrigin;
  fromReport: { annotations: string[]; findings: Finding[] };
  addedAt: string;
}

interface EntryRow {
  label: number;
  image_id: string;
  dataset: string;
  study_id: string | null;
  file: string;
  root: string | null;
  root_dir: string | null;
  view: string | null;
  split: string | null;
  sequence: string;
  disease: string;
  side: string | null;
  severity: string | null;
  locations: string;
  confidence: number;
  reading_confidence: number | null;
  alternatives: string;
  truth: string;
  from_report: string;
  report: string | null;
  origin: EntryOrigin;
  added_at: string;
}

interface FindingRow {
  label: number;
  source: FindingSource;
  disease: string;
  side: string | null;
  severity: string | null;
  locations: string;
  probability: number | null;
}

/**
 * The SQLite half of a search index (schema `db/index/`): entries, their findings, their text in FTS5 and their
 * embeddings. Labels are never reused, so a label removed from HNSW can never come back as another image.
 */
export class IndexStore {
  /** Prepared once: an index build writes thousands of entries through the same few statements. */
  private readonly statements = new Map<string, Database.Statement>();

  private constructor(
    private connection: Database.Database,
    private readonly path: string,
  ) {}

  get db(): Database.Database {
    return this.connection;
  }

  /** The index folder: files under it (uploads/) are stored relative to it and move with it. */
  get folder(): string {
    return indexFolderOf(this.path);
  }

  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (statement === undefined) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  /** `access: 'read'` opens read-only (see open-database.ts); its first write reopens it for writing. */
  static open(path: string, options: { access?: IndexAccess } = {}): IndexStore {
    return new IndexStore(openIndexDatabase(path, options.access ?? 'write'), path);
  }

  close(): void {
    closeIndexDatabase(this.connection);
  }

  /** A store opened for reading becomes a writer at its first write. */
  private writable(): void {
    if (!this.connection.readonly) return;
    const writer = openIndexDatabase(this.path, 'write');
    this.connection.close();
    this.connection = writer;
    this.statements.clear();
  }

  meta(key: string): string | undefined {
    const row = this.sql('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string | number): void {
    this.writable();
    this.sql('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(
      key,
      String(value),
    );
  }

  count(): number {
    return (this.sql('SELECT count(*) AS n FROM entries').get() as { n: number }).n;
  }

  /** Writes an entry (replacing one with the same image id) and returns its new label and the label it replaced. */
  upsert(entry: IndexEntry): { label: number; replaced?: number } {
    this.writable();
    const replaced = this.deleteEntry(entry.imageId);
    this.sql('DELETE FROM removed_images WHERE image_id = ?').run(entry.imageId);
    const label = Number(this.meta('next_label') ?? '1');
    this.setMeta('next_label', label + 1);
    const g = entry.generated;
    const stored = storedFile(this.db, this.folder, entry);
    this.sql(
      `INSERT INTO entries (label, image_id, dataset, study_id, file, root, view, split, sequence, disease, side, severity,
           locations, confidence, reading_confidence, alternatives, truth, from_report, report, first, final, origin,
           added_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      label,
      entry.imageId,
      entry.dataset,
      entry.studyId ?? null,
      stored.file,
      stored.root,
      entry.view ?? null,
      entry.split ?? null,
      JSON.stringify(g.sequence),
      g.disease,
      g.side ?? null,
      g.severity ?? null,
      JSON.stringify(g.locations),
      g.confidence,
      g.readingConfidence ?? null,
      JSON.stringify(g.alternatives),
      JSON.stringify(entry.truth.annotations),
      JSON.stringify(entry.fromReport?.annotations ?? []),
      entry.report ?? null,
      toBlob(entry.embeddings.first),
      toBlob(entry.embeddings.final),
      entry.origin ?? 'build',
      new Date().toISOString(),
    );
    const insertFinding = this.sql(
      `INSERT INTO findings (label, source, disease, side, severity, locations, probability)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    const sources: Array<[FindingSource, Finding[]]> = [
      ['generated', g.findings],
      ['truth', entry.truth.findings],
      ['report', entry.fromReport?.findings ?? []],
    ];
    for (const [source, findings] of sources) {
      for (const f of findings) {
        const { disease, side, severity, locations, probability } = f;
        // Only the cascade's findings carry a probability: the dataset's and its report's are read, not estimated.
        const estimated = source === 'generated' ? (probability ?? null) : null;
        insertFinding.run(label, source, disease, side ?? null, severity ?? null, JSON.stringify(locations), estimated);
      }
    }
    const report = reportText(entry.report ?? '');
    this.sql(
      `INSERT INTO entries_text (rowid, generated, truth, report, report_doubted, report_negated)
         VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(label, generatedText(entry), truthText(entry), report.affirmed, report.doubted, report.negated);
    return { label, replaced };
  }

  /**
   * Removes an image; returns the label it had, or undefined when it was not indexed. The removal is recorded
   * (removed_images), so that a rebuild does not index it again from the catalog.
   */
  remove(imageId: string): number | undefined {
    const label = this.deleteEntry(imageId);
    if (label !== undefined) {
      this.sql(
        'INSERT INTO removed_images (image_id, removed_at) VALUES (?, ?) ON CONFLICT(image_id) DO UPDATE SET removed_at = excluded.removed_at',
      ).run(imageId, new Date().toISOString());
    }
    return label;
  }

  /** Ids removed since the build (or carried over from the builds before). */
  removedImages(): Set<string> {
    return new Set(this.sql('SELECT image_id FROM removed_images').pluck().all() as string[]);
  }

  /** Records removals without entries (a build carrying over the removals of the generation before). */
  recordRemoved(imageIds: Iterable<string>): void {
    this.writable();
    const insert = this.sql('INSERT OR IGNORE INTO removed_images (image_id, removed_at) VALUES (?, ?)');
    for (const id of imageIds) insert.run(id, new Date().toISOString());
  }

  /** The entries added after their build (origin `added`), without embeddings. */
  addedEntries(): StoredEntry[] {
    return this.entries(
      this.sql("SELECT label FROM entries WHERE origin = 'added' ORDER BY label").pluck().all() as number[],
    );
  }

  private deleteEntry(imageId: string): number | undefined {
    this.writable();
    const label = this.labelOf(imageId);
    if (label === undefined) return undefined;
    this.sql('DELETE FROM entries_text WHERE rowid = ?').run(label);
    this.sql('DELETE FROM entries WHERE label = ?').run(label);
    return label;
  }

  /** Every entry's label (what the HNSW indexes must hold, and nothing else). */
  labels(): Set<number> {
    return new Set(this.sql('SELECT label FROM entries').pluck().all() as number[]);
  }

  labelOf(imageId: string): number | undefined {
    const row = this.sql('SELECT label FROM entries WHERE image_id = ?').get(imageId) as { label: number } | undefined;
    return row?.label;
  }

  entries(labels: number[]): StoredEntry[] {
    if (labels.length === 0) return [];
    // Every column but the two embeddings: a hit never shows them, and they are most of a row's bytes.
    const rows = this.sql(
      `SELECT label, image_id, dataset, study_id, file, root, ${ROOT_DIR_SQL}, view, split, sequence, disease, side,
         severity, locations, confidence, reading_confidence, alternatives, truth, from_report, report, origin, added_at
       FROM entries e WHERE label IN (SELECT value FROM json_each(?))`,
    ).all(JSON.stringify(labels)) as EntryRow[];
    const findings = this.sql(
      `SELECT * FROM findings WHERE label IN (SELECT value FROM json_each(?)) ORDER BY rowid`,
    ).all(JSON.stringify(labels)) as FindingRow[];
    const byLabel = new Map(
      rows.map((row) => [row.label, toEntry({ ...row, file: resolvedFile(this.folder, row).file }, findings)]),
    );
    return labels.map((label) => byLabel.get(label)).filter((entry): entry is StoredEntry => entry !== undefined);
  }

  /** An indexed image's file and the folder its real path must stay within (none for a file stored absolute). */
  imageFile(imageId: string): { file: string; within?: string } | undefined {
    const row = this.sql(`SELECT e.root, e.file, ${ROOT_DIR_SQL} FROM entries e WHERE e.image_id = ?`).get(imageId) as
      | { root: string | null; root_dir: string | null; file: string }
      | undefined;
    return row === undefined ? undefined : resolvedFile(this.folder, row);
  }

  /** One image's stored embedding of a kind. */
  embedding(label: number, kind: EmbeddingKind): Float32Array | undefined {
    const row = this.sql(`SELECT ${kind} AS blob FROM entries WHERE label = ?`).get(label) as
      | { blob: Buffer }
      | undefined;
    return row === undefined ? undefined : fromBlob(row.blob);
  }

  /** Every stored embedding of a kind, in label order (for rebuilding HNSW and for exact scoring). */
  *vectors(kind: EmbeddingKind, labels?: number[]): Generator<{ label: number; vector: Float32Array }> {
    const statement =
      labels === undefined
        ? this.db.prepare(`SELECT label, ${kind} AS blob FROM entries ORDER BY label`)
        : this.db.prepare(
            `SELECT label, ${kind} AS blob FROM entries WHERE label IN (SELECT value FROM json_each(?)) ORDER BY label`,
          );
    const rows = (labels === undefined ? statement.iterate() : statement.iterate(JSON.stringify(labels))) as Iterable<{
      label: number;
      blob: Buffer;
    }>;
    for (const row of rows) yield { label: row.label, vector: fromBlob(row.blob) };
  }

  transaction<T>(work: () => T): T {
    this.writable();
    return this.db.transaction(work)();
  }
}

/**
 * The text FTS5 indexes for the generated annotation: words as written (`lower lobe`, not `lower_lobe`), and the
 * per-finding head's other findings that count as present.
 */
function generatedText(entry: IndexEntry): string {
  const g = entry.generated;
  const named = new Set(g.disease.split(' + '));
  const present = g.findings
    .filter((f) => f.probability !== undefined && f.probability >= PRESENT_PROBABILITY && !named.has(f.disease))
    .map((f) => f.disease.replace(/[/,]/g, ' '));
  return [g.disease, g.side, g.severity, ...g.locations, g.sequence.join(' ').replace(/_/g, ' '), ...present]
    .filter((part) => part !== undefined && part.length > 0)
    .join(' ');
}

function truthText(entry: IndexEntry): string {
  return entry.truth.annotations.map((annotation) => annotation.replace(/[/,]/g, ' ')).join(' ');
}

/** A report's text by polarity (see db/index/005), each its clauses joined. */
export function reportText(report: string): Record<Polarity, string> {
  const parts: Record<Polarity, string[]> = { affirmed: [], doubted: [], negated: [] };
  for (const clause of clausesOfReport(report)) if (clause.text !== '') parts[clause.polarity].push(clause.text);
  const joined = (polarity: Polarity) => parts[polarity].join('\n');
  return { affirmed: joined('affirmed'), doubted: joined('doubted'), negated: joined('negated') };
}

function toEntry(row: EntryRow, findings: FindingRow[]): StoredEntry {
  const own = findings.filter((f) => f.label === row.label);
  const asFinding = (f: FindingRow): Finding => ({
    disease: f.disease,
    ...(f.side === null ? {} : { side: f.side }),
    ...(f.severity === null ? {} : { severity: f.severity }),
    locations: JSON.parse(f.locations) as string[],
    ...(f.probability === null ? {} : { probability: f.probability }),
  });
  return {
    label: row.label,
    imageId: row.image_id,
    dataset: row.dataset,
    ...(row.study_id === null ? {} : { studyId: row.study_id }),
    file: row.file,
    ...(row.view === null ? {} : { view: row.view }),
    ...(row.split === null ? {} : { split: row.split }),
    generated: {
      sequence: JSON.parse(row.sequence) as string[],
      disease: row.disease,
      ...(row.side === null ? {} : { side: row.side }),
      ...(row.severity === null ? {} : { severity: row.severity }),
      locations: JSON.parse(row.locations) as string[],
      confidence: row.confidence,
      ...(row.reading_confidence === null ? {} : { readingConfidence: row.reading_confidence }),
      alternatives: JSON.parse(row.alternatives) as Array<{ disease: string; probability: number }>,
      findings: own.filter((f) => f.source === 'generated').map(asFinding),
    },
    truth: {
      annotations: JSON.parse(row.truth) as string[],
      findings: own.filter((f) => f.source === 'truth').map(asFinding),
    },
    fromReport: {
      annotations: JSON.parse(row.from_report) as string[],
      findings: own.filter((f) => f.source === 'report').map(asFinding),
    },
    ...(row.report === null ? {} : { report: row.report }),
    origin: row.origin,
    addedAt: row.added_at,
  };
}

export function toBlob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

export function fromBlob(blob: Buffer): Float32Array {
  // Copied: a Buffer from SQLite may not be 4-byte aligned.
  const copy = new Uint8Array(blob.byteLength);
  copy.set(blob);
  return new Float32Array(copy.buffer);
}
