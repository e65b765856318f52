-- The per-finding (multi-label) head's calibrated probability of a generated finding. Generated findings rank by it
-- and count as present at 0.5 or above unless `confidence:` says otherwise. NULL for truth findings, for the
-- class head's finding when the head has no such finding, and in indexes built before the head existed.
ALTER TABLE findings ADD COLUMN probability REAL;
