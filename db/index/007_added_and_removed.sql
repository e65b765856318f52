-- What was changed in an index after its build, so that the next build keeps it (src/indexer/kept-changes.ts):
-- images added by `cxr add` or POST /api/images (origin 'added': annotated again from their files), and images
-- removed by `cxr remove` or DELETE /api/images/:id (not indexed again from the catalog). An index built before
-- has every entry as 'build' and no removals on record.
ALTER TABLE entries ADD COLUMN origin TEXT NOT NULL DEFAULT 'build' CHECK (origin IN ('build', 'added'));
CREATE TABLE removed_images (
  image_id   TEXT PRIMARY KEY,
  removed_at TEXT NOT NULL
);
