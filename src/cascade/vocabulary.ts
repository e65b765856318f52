import { END_TOKEN } from '../labels/sequences.js';

/** The decoder's words: index 0 is the end token, then words by decreasing frequency (ties alphabetical). */
export class Vocabulary {
  readonly words: string[];
  private readonly indices: Map<string, number>;

  constructor(words: string[]) {
    this.words = [END_TOKEN, ...words.filter((word) => word !== END_TOKEN)];
    this.indices = new Map(this.words.map((word, i) => [word, i]));
  }

  static fromSequences(sequences: string[][]): Vocabulary {
    const counts = new Map<string, number>();
    for (const sequence of sequences) for (const word of sequence) counts.set(word, (counts.get(word) ?? 0) + 1);
    return new Vocabulary([...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([word]) => word));
  }

  get size(): number {
    return this.words.length;
  }

  get end(): number {
    return 0;
  }

  /** Unknown words map to the end token: a sequence the decoder cannot say ends there. */
  index(word: string): number {
    return this.indices.get(word) ?? 0;
  }

  encode(sequence: string[]): number[] {
    return sequence.map((word) => this.index(word));
  }

  decode(indices: number[]): string[] {
    return indices.filter((i) => i !== 0).map((i) => this.words[i] ?? END_TOKEN);
  }
}
