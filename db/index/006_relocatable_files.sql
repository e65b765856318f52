-- Relocatable indexes: an entry's file is stored relative to a root recorded once, so that an index copied or moved
-- with its images answers as before once its roots are recorded again (`cxr relocate`). `root` names the row of
-- `roots` (a dataset's folder, as the catalog records it) or '@index', the index folder itself (uploads/), which is
-- never stored: it is wherever the index is opened. NULL: `file` is absolute, as in every index built before, and
-- for files added from elsewhere; `cxr relocate` records the common folder of a dataset's absolute files.
CREATE TABLE roots (
  name TEXT PRIMARY KEY,                  -- the dataset
  dir  TEXT NOT NULL                      -- absolute path
);
ALTER TABLE entries ADD COLUMN root TEXT;
