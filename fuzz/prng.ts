/**
 * A small seeded pseudo-random generator (mulberry32) with the helpers the
 * fuzzers draw from. Deterministic per seed, so a failing case is replayed by
 * its (seed, index) pair alone.
 */
import { mulberry32 } from '../examples/common/random.js';

export class Prng {
  /** Uniform in [0, 1). */
  readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = Math.max(this.next(), 1e-300);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** n uniform values in [lo, hi), each rounded to 2 decimals (short, printable problems). */
  values(n: number, lo: number, hi: number): number[] {
    return Array.from({ length: n }, () => Math.round(this.uniform(lo, hi) * 100) / 100);
  }
}

/** The seed of case `index` of a campaign with seed `seed` (a 32-bit mix, so neighbouring cases are unrelated). */
export function caseSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
