/**
 * The benchmark problems, generated from `benchRandom` in a fixed draw order
 * that bench/peers/bench_cases.py repeats exactly, so ours and the peers'
 * timings are of the same numbers.
 */
import type { QpBatch } from '../../solvers/qp/index.js';
import { benchRandom } from './bench_random.js';

/**
 * Upper Cholesky factor R (Q = R'R) of a symmetric positive definite n x n
 * matrix, row-major; throws a RangeError when a pivot is not positive.
 */
export function upperCholesky(Q: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = Q[j * n + j]!;
    for (let k = 0; k < j; k++) d -= L[j * n + k]! ** 2;
    if (!(d > 0)) throw new RangeError(`upperCholesky: pivot ${j} is ${d}, the matrix is not positive definite`);
    const ljj = Math.sqrt(d);
    L[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = Q[i * n + j]!;
      for (let k = 0; k < j; k++) s -= L[i * n + k]! * L[j * n + k]!;
      L[i * n + j] = s / ljj;
    }
  }
  const R = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) R[j * n + i] = L[i * n + j]!;
  return R;
}

/** Batched data of the dense QP of cvxpylayers' examples/torch/prof.py (all four parameters per element). */
export interface DenseQpCase {
  readonly batch: number;
  readonly n: number;
  readonly m: number;
  /** Q^(1/2) as the upper Cholesky factor R (R'R = Q = LL' + 1e-3 I), batch x n x n. */
  readonly S: Float64Array;
  readonly p: Float64Array;
  readonly G: Float64Array;
  readonly h: Float64Array;
}

/**
 * prof.py's `prof_dense_qp(..., 'dense')`, per element in this draw order:
 * L (n x n uniforms), p (n normals), G (m x n normals), z0 (n normals),
 * s0 (m uniforms); Q = LL' + 1e-3 I, h = G z0 + s0 (feasible by
 * construction). prof.py passes sqrtm(Q); any S with S'S = Q defines the same
 * QP (same z*), and the Cholesky factor is reproducible to rounding in both
 * languages without an eigendecomposition.
 */
export function denseQpCase(batch: number, n: number, m: number, seed: number): DenseQpCase {
  const rng = benchRandom(seed);
  const S = new Float64Array(batch * n * n);
  const p = new Float64Array(batch * n);
  const G = new Float64Array(batch * m * n);
  const h = new Float64Array(batch * m);
  const L = new Float64Array(n * n);
  const Q = new Float64Array(n * n);
  for (let e = 0; e < batch; e++) {
    for (let i = 0; i < n * n; i++) L[i] = rng.uniform();
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let t = 0;
        for (let k = 0; k < n; k++) t += L[i * n + k]! * L[j * n + k]!;
        Q[i * n + j] = Q[j * n + i] = t + (i === j ? 1e-3 : 0);
      }
    }
    S.set(upperCholesky(Q, n), e * n * n);
    for (let i = 0; i < n; i++) p[e * n + i] = rng.normal();
    for (let i = 0; i < m * n; i++) G[e * m * n + i] = rng.normal();
    const z0 = Float64Array.from({ length: n }, () => rng.normal());
    for (let k = 0; k < m; k++) {
      let t = 0;
      for (let j = 0; j < n; j++) t += G[(e * m + k) * n + j]! * z0[j]!;
      h[e * m + k] = t + rng.uniform();
    }
  }
  return { batch, n, m, S, p, G, h };
}

/**
 * A random feasible QP batch with every argument batched (qpth's profiling
 * problem, with equalities): per element in this draw order L (n x n
 * normals), p (n normals), G (m x n normals), A (neq x n normals), z0 (n
 * normals), s0 (m uniforms); Q = LL' + 1e-3 I, h = G z0 + s0, b = A z0.
 */
export function randomQpCase(batch: number, n: number, m: number, neq: number, seed: number): QpBatch {
  const rng = benchRandom(seed);
  const Q = new Float64Array(batch * n * n);
  const p = new Float64Array(batch * n);
  const G = new Float64Array(batch * m * n);
  const h = new Float64Array(batch * m);
  const A = new Float64Array(batch * neq * n);
  const b = new Float64Array(batch * neq);
  const L = new Float64Array(n * n);
  for (let e = 0; e < batch; e++) {
    for (let i = 0; i < n * n; i++) L[i] = rng.normal();
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let t = 0;
        for (let k = 0; k < n; k++) t += L[i * n + k]! * L[j * n + k]!;
        Q[e * n * n + i * n + j] = Q[e * n * n + j * n + i] = t + (i === j ? 1e-3 : 0);
      }
    }
    for (let i = 0; i < n; i++) p[e * n + i] = rng.normal();
    for (let i = 0; i < m * n; i++) G[e * m * n + i] = rng.normal();
    for (let i = 0; i < neq * n; i++) A[e * neq * n + i] = rng.normal();
    const z0 = Float64Array.from({ length: n }, () => rng.normal());
    for (let k = 0; k < m; k++) {
      let t = 0;
      for (let j = 0; j < n; j++) t += G[(e * m + k) * n + j]! * z0[j]!;
      h[e * m + k] = t + rng.uniform();
    }
    for (let k = 0; k < neq; k++) {
      let t = 0;
      for (let j = 0; j < n; j++) t += A[(e * neq + k) * n + j]! * z0[j]!;
      b[e * neq + k] = t;
    }
  }
  const arg = (data: Float64Array) => ({ data, batched: true });
  return { batch, n, nIneq: m, nEq: neq, Q: arg(Q), p: arg(p), G: arg(G), h: arg(h), A: arg(A), b: arg(b) };
}
