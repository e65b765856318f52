-- Relocatable collections: each dataset's folder is recorded once, and image paths are relative to it, so a
-- collection that moves is found again by recording its new folder (`cxr relocate`), without re-importing.
CREATE TABLE dataset_roots (
  dataset TEXT PRIMARY KEY,
  root    TEXT NOT NULL                   -- absolute path of the folder every image path of the dataset is relative to
);
-- The import's image folder relative to its dataset's root ('' for the root itself; NULL: the import named none).
-- images.path is stored relative to the root: this folder joined with the path the dataset file names. Catalogs
-- from before keep their paths relative to each import's image folder until Catalog.open rebases them (once).
ALTER TABLE imports ADD COLUMN folder TEXT;
