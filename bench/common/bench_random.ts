/**
 * The benchmarks' random data generator, written so that bench/peers/bench_random.py
 * reproduces it bit for bit: the peers are timed on exactly our problems.
 * Uniforms are mulberry32 (32-bit integer arithmetic, the same as
 * examples/common/random.ts); each normal uses two uniforms by Box-Muller,
 * sqrt(-2 ln(1 - u)) cos(2 pi v), with no cached second value, so the stream
 * position after k draws is simple to reason about in both languages.
 */
import { mulberry32 } from '../../examples/common/random.js';

/** Uniform [0, 1) and standard normal draws from one seeded stream. */
export interface BenchRandom {
  uniform(): number;
  normal(): number;
}

export function benchRandom(seed: number): BenchRandom {
  const next = mulberry32(seed);
  return {
    uniform: next,
    normal: () => {
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
  };
}
