-- Confidence in an image's whole generated reading (class probability × the decoder's word probabilities):
-- generated findings rank by it. NULL in indexes built before it existed (the class confidence stands in).
ALTER TABLE entries ADD COLUMN reading_confidence REAL;
