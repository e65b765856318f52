-- Per-image finding lookups (does this image have a left small effusion?) must go through the image's own few
-- findings. With only findings(label), SQLite preferred findings_disease for them and scanned every matching
-- finding of the collection once per image: 1.4 s for "small right pneumothorax" over 100,000 images.
DROP INDEX findings_label;
CREATE INDEX findings_by_label ON findings(label, source, disease, side, severity);
