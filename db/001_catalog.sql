-- The catalog: what a dataset holds, as imported. Keys are stable text ids: "<dataset>:<id in the dataset>".

CREATE TABLE imports (
  id          INTEGER PRIMARY KEY,
  importer    TEXT NOT NULL,              -- openi, indiana-csv, chestxray14, chexpert, mimic, manifest
  dataset     TEXT NOT NULL,              -- the name records are keyed under
  source      TEXT NOT NULL,              -- absolute path of what was imported
  options     TEXT NOT NULL,              -- JSON of the resolved options
  started_at  TEXT NOT NULL,
  finished_at TEXT,                       -- NULL while running or after an interruption
  counts      TEXT,                       -- JSON: studies, images, skipped …
  skipped     TEXT                        -- JSON list of { code, item, message }
);

CREATE TABLE patients (
  id      TEXT PRIMARY KEY,
  dataset TEXT NOT NULL,
  sex     TEXT,
  age     REAL
);

CREATE TABLE studies (
  id          TEXT PRIMARY KEY,
  dataset     TEXT NOT NULL,
  source_id   TEXT NOT NULL,
  patient_id  TEXT REFERENCES patients(id),
  import_id   INTEGER NOT NULL REFERENCES imports(id),
  record_hash TEXT NOT NULL              -- re-importing an unchanged record is a no-op
);
CREATE INDEX studies_dataset ON studies(dataset);

CREATE TABLE reports (
  study_id   TEXT PRIMARY KEY REFERENCES studies(id) ON DELETE CASCADE,
  comparison TEXT,
  indication TEXT,
  findings   TEXT,
  impression TEXT
);

CREATE TABLE images (
  id       TEXT PRIMARY KEY,
  study_id TEXT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
  path     TEXT,                          -- relative to the image folder; NULL when the dataset names no file
  view     TEXT,                          -- PA, AP, LATERAL … when known
  status   TEXT NOT NULL CHECK (status IN ('ok', 'missing', 'unverified')),
  width    INTEGER,
  height   INTEGER,
  official_split TEXT CHECK (official_split IN ('train', 'validation', 'test'))  -- the dataset's own, if it has one
);
CREATE INDEX images_study ON images(study_id);

-- Ground truth as the dataset states it: MeSH strings (OpenI), findings (ChestX-ray14, CheXpert, MIMIC), boxes.
CREATE TABLE annotations (
  id          INTEGER PRIMARY KEY,
  study_id    TEXT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
  image_id    TEXT REFERENCES images(id) ON DELETE CASCADE,   -- NULL: applies to every image of the study
  kind        TEXT NOT NULL CHECK (kind IN ('mesh', 'finding')),
  raw         TEXT NOT NULL,              -- the string as published
  heading     TEXT NOT NULL,              -- parsed: the top term
  location    TEXT NOT NULL DEFAULT '[]', -- JSON list
  laterality  TEXT,                       -- left, right, bilateral
  severity    TEXT,                       -- mild, moderate, severe, small, large, borderline …
  descriptors TEXT NOT NULL DEFAULT '[]', -- JSON list
  certainty   TEXT NOT NULL DEFAULT 'positive' CHECK (certainty IN ('positive', 'uncertain')),
  box         TEXT                        -- JSON {x,y,w,h} in the image's own pixels
);
CREATE INDEX annotations_study ON annotations(study_id);

-- Label mining output (replaced as a whole by `cxr labels`).
CREATE TABLE label_runs (
  id         INTEGER PRIMARY KEY,
  options    TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE image_labels (
  image_id TEXT PRIMARY KEY REFERENCES images(id) ON DELETE CASCADE,
  pattern  TEXT NOT NULL,                 -- sorted top terms joined by " + ", or "normal"
  class    TEXT,                          -- the pattern when it has enough cases, else NULL
  sequence TEXT NOT NULL,                 -- JSON list of words, at most 5, without the end token
  split    TEXT NOT NULL CHECK (split IN ('train', 'validation', 'test'))
);
