import { ShapeError, assertFinite } from '../errors.js';

/**
 * Dense LU factorization with partial (row) pivoting, P A = L U, of a square
 * row-major float64 matrix (Golub & Van Loan, "Matrix Computations", alg. 3.4.1).
 * Factor once in O(2n^3/3), then solve A x = b and A' x = b in O(n^2) each,
 * as many times as needed (the backward pass of the cone-program derivative
 * reuses one factorization for every adjoint call).
 */
export interface LuFactorization {
  readonly n: number;
  /** Row-major L (unit lower, below the diagonal) and U (upper, with diagonal) overwritten in one array. */
  readonly lu: Float64Array;
  /** Row i of P A is row perm[i] of A. */
  readonly perm: Int32Array;
  /** min |U_ii| / max |U_ii|: a cheap singularity indicator (0 for an exactly singular pivot). */
  readonly pivotRatio: number;
  /** True when a pivot fell below n * eps * max|A| (the factors are then unreliable). */
  readonly singular: boolean;
  /** x with A x = b. */
  solve(b: ArrayLike<number>, out?: Float64Array): Float64Array;
  /** x with A' x = b. */
  solveTranspose(b: ArrayLike<number>, out?: Float64Array): Float64Array;
}

/**
 * Factors the n x n row-major matrix `a` (copied unless `overwrite`), throwing
 * `ShapeError` for a wrong size and `ValueError` for non-finite entries.
 * A singular matrix is reported through `singular`, never by throwing.
 */
export function luFactor(a: Float64Array, n: number, overwrite = false): LuFactorization {
  if (!Number.isInteger(n) || n < 0 || a.length !== n * n) {
    throw new ShapeError(`LU needs an n x n matrix: got ${a.length} entries for n = ${n}`);
  }
  assertFinite(a, 'matrix to factor');
  const lu = overwrite ? a : Float64Array.from(a);
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  let maxAbs = 0;
  for (let k = 0; k < lu.length; k++) maxAbs = Math.max(maxAbs, Math.abs(lu[k]!));
  const tiny = n * 2.220446049250313e-16 * maxAbs;
  let singular = n > 0 && maxAbs === 0;
  let minPivot = Infinity;
  let maxPivot = 0;
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(lu[k * n + k]!);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(lu[i * n + k]!);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (p !== k) {
      const rowK = lu.subarray(k * n, k * n + n);
      const tmp = Float64Array.from(rowK);
      rowK.set(lu.subarray(p * n, p * n + n));
      lu.set(tmp, p * n);
      const t = perm[k]!;
      perm[k] = perm[p]!;
      perm[p] = t;
    }
    minPivot = Math.min(minPivot, best);
    maxPivot = Math.max(maxPivot, best);
    if (best <= tiny) {
      singular = true;
      continue; // leave the column; later solves would divide by ~0
    }
    const pivot = lu[k * n + k]!;
    const kRow = k * n;
    for (let i = k + 1; i < n; i++) {
      const iRow = i * n;
      const l = lu[iRow + k]! / pivot;
      lu[iRow + k] = l;
      if (l === 0) continue;
      for (let j = k + 1; j < n; j++) lu[iRow + j]! -= l * lu[kRow + j]!;
    }
  }
  const pivotRatio = n === 0 ? 1 : maxPivot > 0 ? minPivot / maxPivot : 0;

  const solve = (b: ArrayLike<number>, out = new Float64Array(n)): Float64Array => {
    if (b.length !== n) throw new ShapeError(`right-hand side has length ${b.length}, expected ${n}`);
    const x = out;
    for (let i = 0; i < n; i++) x[i] = b[perm[i]!]!;
    for (let i = 0; i < n; i++) {
      let s = x[i]!;
      const row = i * n;
      for (let j = 0; j < i; j++) s -= lu[row + j]! * x[j]!;
      x[i] = s;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = x[i]!;
      const row = i * n;
      for (let j = i + 1; j < n; j++) s -= lu[row + j]! * x[j]!;
      x[i] = s / lu[row + i]!;
    }
    return x;
  };

  // A' = U' L' P, so A' x = b  <=>  U' z = b, L' w = z, x = P' w.
  const solveTranspose = (b: ArrayLike<number>, out = new Float64Array(n)): Float64Array => {
    if (b.length !== n) throw new ShapeError(`right-hand side has length ${b.length}, expected ${n}`);
    const z = Float64Array.from(b as ArrayLike<number>);
    // Column-oriented forward substitution with U' (lower triangular): row access of U stays contiguous.
    for (let i = 0; i < n; i++) {
      const zi = z[i]! / lu[i * n + i]!;
      z[i] = zi;
      const row = i * n;
      for (let j = i + 1; j < n; j++) z[j]! -= lu[row + j]! * zi;
    }
    // Backward substitution with L' (unit upper triangular).
    for (let i = n - 1; i >= 0; i--) {
      const zi = z[i]!;
      const row = i * n;
      for (let j = 0; j < i; j++) z[j]! -= lu[row + j]! * zi;
    }
    for (let i = 0; i < n; i++) out[perm[i]!] = z[i]!;
    return out;
  };

  return { n, lu, perm, pivotRatio, singular, solve, solveTranspose };
}
