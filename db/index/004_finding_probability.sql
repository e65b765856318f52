-- The per-finding (multi-label) head's calibrated probability of a generated finding. Generated findings rank by it
-- and count as present at 0.5 or above unless `confidence:` says otherwise. NULL for truth findings, for the
-- class head's finding when the head has no such finding, and in indexes built before the head existed.
ALTER TABLE findings ADD COLUMN probability REAL;
-- Disease queries read a finding's source and probability beside its label. With the head a disease has a row in
-- many images, most below 0.5: covering indexes answer from the index alone instead of reading every such row
-- (bench/finding-probability.ts, 20,000 images with the head: text query p50 78 → 52 ms, p99 195 → 160 ms).
DROP INDEX findings_disease;
CREATE INDEX findings_disease ON findings(disease, side, severity, source, probability, label);
DROP INDEX findings_by_label;
CREATE INDEX findings_by_label ON findings(label, source, disease, side, severity, probability);
