-- Findings an image's labels state as uncertain (CheXpert / MIMIC `-1` kept with `--uncertain keep`): JSON list of
-- top terms. The per-finding head neither rewards nor penalises them (positives are the pattern's terms, every other
-- finding of a labelled image is a negative).
ALTER TABLE image_labels ADD COLUMN uncertain TEXT NOT NULL DEFAULT '[]';
