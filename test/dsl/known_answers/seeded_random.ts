/**
 * A small seeded pseudo-random generator so that every known-answer problem is
 * reproducible (no Math.random in tests). Uniforms come from mulberry32
 * (a 32-bit multiply-xorshift generator); normals from the Box-Muller transform.
 */
export interface SeededRandom {
  /** Uniform on [0, 1). */
  uniform(): number;
  /** Uniform on [lo, hi). */
  between(lo: number, hi: number): number;
  /** Standard normal N(0, 1). */
  normal(): number;
  /** n independent standard normals. */
  normalVector(n: number): number[];
  /** n independent uniforms on [lo, hi). */
  uniformVector(n: number, lo: number, hi: number): number[];
  /** rows x cols matrix of standard normals (row-major nested arrays). */
  normalMatrix(rows: number, cols: number): number[][];
}

/** Creates a generator; the same seed always yields the same stream. */
export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = (): number => {
    // Box-Muller; 1 - u keeps the logarithm's argument in (0, 1].
    const u = 1 - uniform();
    const v = uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const between = (lo: number, hi: number): number => lo + (hi - lo) * uniform();
  return {
    uniform,
    between,
    normal,
    normalVector: (n) => Array.from({ length: n }, normal),
    uniformVector: (n, lo, hi) => Array.from({ length: n }, () => between(lo, hi)),
    normalMatrix: (rows, cols) => Array.from({ length: rows }, () => Array.from({ length: cols }, normal)),
  };
}
