-- A search index generation: one row per indexed image, its findings as filterable rows, its text in FTS5.
-- The embeddings are kept here too (float32 blobs), so the HNSW files can always be rebuilt from this file.

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,                 -- bundle_hash, dimensions, vectors_version, catalog, created_at …
  value TEXT NOT NULL
);

CREATE TABLE entries (
  label        INTEGER PRIMARY KEY,       -- the image's label in both HNSW indexes (uint32)
  image_id     TEXT NOT NULL UNIQUE,      -- "<dataset>:<id>" as in the catalog
  dataset      TEXT NOT NULL,
  study_id     TEXT,
  file         TEXT NOT NULL,             -- absolute path; only ever reached through the id
  view         TEXT,
  split        TEXT,
  sequence     TEXT NOT NULL,             -- JSON list of generated words
  disease      TEXT NOT NULL,             -- generated: the final CNN's mined class
  side         TEXT,
  severity     TEXT,
  locations    TEXT NOT NULL DEFAULT '[]',
  confidence   REAL NOT NULL,
  alternatives TEXT NOT NULL DEFAULT '[]',-- JSON [{disease, probability}]
  truth        TEXT NOT NULL DEFAULT '[]',-- JSON list of the dataset's own annotation strings
  report       TEXT,                      -- findings and impression, when the dataset has a report
  first        BLOB NOT NULL,             -- float32 embedding of the first CNN
  final        BLOB NOT NULL,             -- float32 embedding of the final CNN
  added_at     TEXT NOT NULL
);
CREATE INDEX entries_dataset ON entries(dataset);

-- What the cascade generated (source 'generated') and what the dataset states (source 'truth'), one finding a row.
CREATE TABLE findings (
  label     INTEGER NOT NULL REFERENCES entries(label) ON DELETE CASCADE,
  source    TEXT NOT NULL CHECK (source IN ('generated', 'truth')),
  disease   TEXT NOT NULL,
  side      TEXT,
  severity  TEXT,
  locations TEXT NOT NULL DEFAULT '[]'    -- JSON list
);
CREATE INDEX findings_disease ON findings(disease, side, severity);
CREATE INDEX findings_label ON findings(label);

-- Free text, rowid = label. Columns are searched separately so a hit can say which one matched.
CREATE VIRTUAL TABLE entries_text USING fts5(generated, truth, report, tokenize = 'porter unicode61');
