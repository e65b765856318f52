import { describe, expect, it } from 'vitest';
import { assignSplits, type SplitGroup } from '../../src/labels/splits.js';

const groups: SplitGroup[] = Array.from({ length: 300 }, (_, i) => ({
  id: `p${i}`,
  pattern: i % 3 === 0 ? 'a' : 'b',
  size: 1 + (i % 2),
}));

describe('assignSplits', () => {
  it('gives each pattern about 80/10/10 of its images, deterministic by seed and independent of order', () => {
    const first = assignSplits(groups, { seed: 7 });
    const shuffled = assignSplits([...groups].reverse(), { seed: 7 });
    expect([...shuffled].sort()).toEqual([...first].sort());
    for (const pattern of ['a', 'b']) {
      const members = groups.filter((g) => g.pattern === pattern);
      const images = (split: string) =>
        members.filter((g) => first.get(g.id) === split).reduce((n, g) => n + g.size, 0);
      const total = members.reduce((n, g) => n + g.size, 0);
      expect(images('test') / total).toBeCloseTo(0.1, 1);
      expect(images('validation') / total).toBeCloseTo(0.1, 1);
      expect(images('train') / total).toBeCloseTo(0.8, 1);
    }
    const other = assignSplits(groups, { seed: 8 });
    expect([...other].filter(([id, split]) => first.get(id) !== split).length).toBeGreaterThan(20);
  });

  it('keeps at least the minimum held out for a small pattern and respects a published test split', () => {
    const small: SplitGroup[] = Array.from({ length: 40 }, (_, i) => ({ id: `s${i}`, pattern: 'rare', size: 1 }));
    const splits = assignSplits(small, { seed: 1, minHeldOut: 10 });
    expect([...splits.values()].filter((s) => s === 'test')).toHaveLength(10);
    expect([...splits.values()].filter((s) => s === 'validation')).toHaveLength(10);
    const official = assignSplits(
      [
        { id: 'x', pattern: 'rare', size: 1, official: 'test' },
        ...small.map((g) => ({ ...g, official: 'train' as const })),
      ],
      { seed: 1 },
    );
    expect(official.get('x')).toBe('test');
    expect([...official.values()].filter((s) => s === 'test')).toHaveLength(1);
  });
});
