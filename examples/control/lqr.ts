/**
 * Infinite-horizon discrete LQR: the stabilizing solution P of the discrete
 * algebraic Riccati equation
 *   P = Q + A'PA - A'PB (R + B'PB)^{-1} B'PA,
 * by fixed-point (value) iteration from P = Q, which converges for
 * stabilizable (A, B) and Q, R positive definite. Row-major float64.
 */
import { choleskyInPlace, choleskySolveInPlace, OptlayersError } from 'optlayers/solvers';

/** C = A (r x k) times B (k x c). */
export function matMul(a: Float64Array, b: Float64Array, r: number, k: number, c: number): Float64Array {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let l = 0; l < k; l++) {
    const v = a[i * k + l]!;
    if (v !== 0) for (let j = 0; j < c; j++) out[i * c + j] += v * b[l * c + j]!;
  }
  return out;
}

/** Transpose of an r x c row-major matrix. */
export function transpose(a: Float64Array, r: number, c: number): Float64Array {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = a[i * c + j]!;
  return out;
}

export function identity(n: number, scale = 1): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = scale;
  return out;
}

/** Solves (R + B'PB) K = B'PA for the LQR gain K (m x n), so u = -K x. */
export function lqrGain(A: Float64Array, B: Float64Array, R: Float64Array, P: Float64Array, n: number, m: number): Float64Array {
  const Bt = transpose(B, n, m);
  const BtP = matMul(Bt, P, m, n, n);
  const H = matMul(BtP, B, m, n, m);
  for (let i = 0; i < m * m; i++) H[i] += R[i]!;
  const rhs = matMul(BtP, A, m, n, n);
  const inv = new Float64Array(m);
  const info = choleskyInPlace(H, m, inv);
  if (!info.finite || info.minPivot <= 0) throw new OptlayersError('LQR: R + B\'PB is not positive definite');
  const K = new Float64Array(m * n);
  const col = new Float64Array(m);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < m; i++) col[i] = rhs[i * n + j]!;
    choleskySolveInPlace(H, m, inv, col);
    for (let i = 0; i < m; i++) K[i * n + j] = col[i]!;
  }
  return K;
}

/** The stabilizing Riccati solution P (n x n); throws if the iteration does not converge. */
export function solveDare(A: Float64Array, B: Float64Array, Q: Float64Array, R: Float64Array, n: number, m: number, maxIters = 100_000, tol = 1e-13): Float64Array {
  let P: Float64Array = Float64Array.from(Q);
  const At = transpose(A, n, n);
  for (let it = 0; it < maxIters; it++) {
    const K = lqrGain(A, B, R, P, n, m);
    // P+ = Q + A'P(A - BK)
    const BK = matMul(B, K, n, m, n);
    const closed = Float64Array.from(A, (v, i) => v - BK[i]!);
    const next = matMul(matMul(At, P, n, n, n), closed, n, n, n);
    let change = 0;
    let scale = 0;
    for (let i = 0; i < n * n; i++) {
      next[i] += Q[i]!;
      change = Math.max(change, Math.abs(next[i]! - P[i]!));
      scale = Math.max(scale, Math.abs(next[i]!));
    }
    // Symmetrize against round-off drift.
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) {
      const s = 0.5 * (next[i * n + j]! + next[j * n + i]!);
      next[i * n + j] = s;
      next[j * n + i] = s;
    }
    P = next;
    if (change <= tol * Math.max(1, scale)) return P;
  }
  throw new OptlayersError(`LQR: the Riccati iteration did not converge in ${maxIters} iterations (is (A, B) stabilizable?)`);
}

/** Upper-triangular S with S'S = P (the transpose of P's Cholesky factor). */
export function choleskyFactorTransposed(P: Float64Array, n: number): Float64Array {
  const L = Float64Array.from(P);
  const inv = new Float64Array(n);
  const info = choleskyInPlace(L, n, inv);
  if (!info.finite || info.minPivot <= 0) throw new OptlayersError('P is not positive definite');
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) S[j * n + i] = L[i * n + j]!;
  return S;
}
