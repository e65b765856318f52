-- Findings have three sources: what the dataset states ('truth'), what the report miner read in the collection's own
-- report of a study without stated annotations ('report'), and what the cascade generated. SQLite cannot widen a
-- CHECK constraint in place, so findings is rebuilt with its rows (rowids kept: they order an image's findings) and
-- its indexes. An index built before keeps every finding with the source it had.
CREATE TABLE findings_new (
  label       INTEGER NOT NULL REFERENCES entries(label) ON DELETE CASCADE,
  source      TEXT NOT NULL CHECK (source IN ('generated', 'truth', 'report')),
  disease     TEXT NOT NULL,
  side        TEXT,
  severity    TEXT,
  locations   TEXT NOT NULL DEFAULT '[]',
  probability REAL
);
INSERT INTO findings_new (rowid, label, source, disease, side, severity, locations, probability)
  SELECT rowid, label, source, disease, side, severity, locations, probability FROM findings;
DROP TABLE findings;
ALTER TABLE findings_new RENAME TO findings;
CREATE INDEX findings_disease ON findings(disease, side, severity, source, probability, label);
CREATE INDEX findings_by_label ON findings(label, source, disease, side, severity, probability);

-- The miner's MeSH-style strings for the image's study, as `truth` holds the stated annotations.
ALTER TABLE entries ADD COLUMN from_report TEXT NOT NULL DEFAULT '[]';

-- Report text by what the report says of it, split into clauses by the miner's own cues: `report` what it affirms,
-- `report_doubted` what it hedges, `report_negated` what it denies. A positive free word matches the first two only,
-- and what a report only doubts ranks below what one affirms. FTS5 cannot add columns: the table is rebuilt. An
-- index built before has its whole report in `report` (as it matched before) until it is rebuilt.
CREATE VIRTUAL TABLE entries_text_new USING fts5(
  generated, truth, report, report_doubted, report_negated, tokenize = 'porter unicode61'
);
INSERT INTO entries_text_new (rowid, generated, truth, report, report_doubted, report_negated)
  SELECT rowid, generated, truth, report, '', '' FROM entries_text;
DROP TABLE entries_text;
ALTER TABLE entries_text_new RENAME TO entries_text;
