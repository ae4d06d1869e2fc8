import type { QpBatch } from '../../../solvers/qp/index.js';

/** Deterministic normal samples (LCG + Box-Muller) so failures reproduce. */
export function normalSampler(seed: number): { randn: () => number; uniform: () => number } {
  let s = seed >>> 0;
  const uniform = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  const randn = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  return { randn, uniform };
}

export interface RandomQpSpec {
  batch: number;
  n: number;
  nIneq: number;
  nEq: number;
  seed: number;
  /** Which arguments are shared across the batch. */
  shared?: ReadonlyArray<'Q' | 'p' | 'G' | 'h' | 'A' | 'b'>;
  /** Q = LL' + qShift I (default 1e-3); 'zero' makes an LP. */
  q?: 'zero' | number;
  /** Fraction of inequality rows made active at z0 (s0 = 0); default 0. */
  activeFraction?: number;
}

/**
 * A random QP batch feasible by construction: z0 random, s0 > 0 (or 0 on a
 * chosen fraction of rows), h = G z0 + s0, b = A z0. Shared h/b use example 0's z0.
 */
export function randomQp(spec: RandomQpSpec): QpBatch {
  const { batch, n, nIneq: m, nEq, seed } = spec;
  const { randn, uniform } = normalSampler(seed);
  const shared = new Set(spec.shared ?? []);
  const count = (name: 'Q' | 'p' | 'G' | 'h' | 'A' | 'b') => (shared.has(name) ? 1 : batch);
  const Q = new Float64Array(count('Q') * n * n);
  for (let e = 0; e < count('Q'); e++) {
    if (spec.q === 'zero') continue;
    const L = Array.from({ length: n * n }, randn);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let t = 0;
        for (let k = 0; k < n; k++) t += L[i * n + k]! * L[j * n + k]!;
        Q[e * n * n + i * n + j] = t / n + (i === j ? (spec.q ?? 1e-3) : 0);
      }
    }
  }
  const p = Float64Array.from({ length: count('p') * n }, randn);
  const G = Float64Array.from({ length: count('G') * m * n }, randn);
  const A = Float64Array.from({ length: count('A') * nEq * n }, randn);
  const z0 = Float64Array.from({ length: batch * n }, randn);
  const h = new Float64Array(count('h') * m);
  const b = new Float64Array(count('b') * nEq);
  const nActive = Math.round((spec.activeFraction ?? 0) * m);
  for (let e = 0; e < count('h'); e++) {
    const go = shared.has('G') ? 0 : e * m * n;
    for (let k = 0; k < m; k++) {
      let t = 0;
      for (let j = 0; j < n; j++) t += G[go + k * n + j]! * z0[e * n + j]!;
      h[e * m + k] = t + (k < nActive ? 0 : 0.1 + uniform());
    }
  }
  for (let e = 0; e < count('b'); e++) {
    const ao = shared.has('A') ? 0 : e * nEq * n;
    for (let k = 0; k < nEq; k++) {
      let t = 0;
      for (let j = 0; j < n; j++) t += A[ao + k * n + j]! * z0[e * n + j]!;
      b[e * nEq + k] = t;
    }
  }
  const arg = (data: Float64Array, name: 'Q' | 'p' | 'G' | 'h' | 'A' | 'b') => ({ data, batched: !shared.has(name) });
  return { batch, n, nIneq: m, nEq, Q: arg(Q, 'Q'), p: arg(p, 'p'), G: arg(G, 'G'), h: arg(h, 'h'), A: arg(A, 'A'), b: arg(b, 'b') };
}

/** Example e's copy of a QP argument. */
export function exampleSlice(qp: QpBatch, name: 'Q' | 'p' | 'G' | 'h' | 'A' | 'b', e: number): Float64Array {
  const arg = qp[name];
  const size = arg.batched ? arg.data.length / qp.batch : arg.data.length;
  return arg.data.subarray(arg.batched ? e * size : 0, arg.batched ? (e + 1) * size : size);
}

/** A single-example QP from plain arrays (all shared, batch 1). */
export function singleQp(n: number, d: { Q?: number[]; p: number[]; G?: number[]; h?: number[]; A?: number[]; b?: number[] }): QpBatch {
  const f = (x: number[] | undefined) => ({ data: Float64Array.from(x ?? []), batched: false });
  const Q = d.Q ?? new Array<number>(n * n).fill(0);
  return { batch: 1, n, nIneq: (d.h ?? []).length, nEq: (d.b ?? []).length, Q: f(Q), p: f(d.p), G: f(d.G), h: f(d.h), A: f(d.A), b: f(d.b) };
}
