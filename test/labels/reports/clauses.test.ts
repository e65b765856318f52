import { describe, expect, it } from 'vitest';
import { clausesOfReport } from '../../../src/labels/reports/clauses.js';

const polarity = (text: string) => clausesOfReport(text).map((c) => [c.polarity, c.text]);

describe('clausesOfReport', () => {
  it('keeps what a report denies apart from what it affirms', () => {
    expect(polarity('No focal consolidation. Normal chest.')).toEqual([
      ['negated', 'no focal consolidation.'],
      ['affirmed', 'normal chest.'],
    ]);
  });

  it('negates only from the cue on, and only to the end of its scope', () => {
    expect(polarity('Small left effusion without pneumothorax.')).toEqual([
      ['affirmed', 'small left effusion'],
      ['negated', 'without pneumothorax.'],
    ]);
    expect(polarity('No effusion, but there is right lower lobe consolidation.')).toEqual([
      ['negated', 'no effusion,'],
      ['affirmed', 'but there is right lower lobe consolidation.'],
    ]);
  });

  it('reads a post-negation back over what precedes it', () => {
    expect(polarity('A pneumothorax is not seen.')[0]).toEqual(['negated', 'a pneumothorax']);
  });

  it('marks hedged clauses as doubted', () => {
    expect(polarity('Basilar opacity, which may represent atelectasis.')).toEqual([
      ['affirmed', 'basilar opacity,'],
      ['doubted', 'which may represent atelectasis.'],
    ]);
  });
});
