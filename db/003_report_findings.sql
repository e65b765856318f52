-- What the report miner reads in a study's own report, for studies whose record states no annotation (hospital
-- exports, MIMIC-CXR): source `report`, kept apart from the stated annotations. Written at import and replaced as a
-- whole per study by `cxr labels --remine` after a miner change.
CREATE TABLE report_findings (
  id          INTEGER PRIMARY KEY,
  study_id    TEXT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
  raw         TEXT NOT NULL,              -- the miner's MeSH-style string: `Pleural Effusion/left/small`, or `normal`
  heading     TEXT NOT NULL,              -- parsed as annotations.heading (the top term)
  location    TEXT NOT NULL DEFAULT '[]', -- JSON list
  laterality  TEXT,
  severity    TEXT,
  descriptors TEXT NOT NULL DEFAULT '[]', -- JSON list
  hedged      INTEGER NOT NULL DEFAULT 0, -- the clause hedges it ("likely", "consistent with"); still one of the miner's findings
  evidence    TEXT                        -- the clause it was read from
);
CREATE INDEX report_findings_study ON report_findings(study_id);
