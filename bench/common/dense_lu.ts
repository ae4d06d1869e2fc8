/**
 * Dense LU with partial pivoting (Golub & Van Loan, Alg. 3.4.1), float64,
 * row-major: the benchmarks' reference linear algebra, written apart from the
 * library's Cholesky/KKT code so the checks it feeds are independent of it.
 */

export interface DenseLu {
  readonly n: number;
  /** L (unit lower, below the diagonal) and U (on and above), overwritten in place. */
  readonly lu: Float64Array;
  readonly pivots: Int32Array;
  /** Smallest |U_ii| relative to the largest: ~0 means the matrix is numerically singular. */
  readonly pivotRatio: number;
}

/** Factors the n x n matrix `a` (copied). */
export function denseLu(a: Float64Array, n: number): DenseLu {
  const lu = a.slice();
  const pivots = new Int32Array(n);
  let maxPivot = 0;
  let minPivot = Infinity;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let i = c + 1; i < n; i++) if (Math.abs(lu[i * n + c]!) > Math.abs(lu[p * n + c]!)) p = i;
    pivots[c] = p;
    if (p !== c) {
      for (let j = 0; j < n; j++) {
        const t = lu[c * n + j]!;
        lu[c * n + j] = lu[p * n + j]!;
        lu[p * n + j] = t;
      }
    }
    const d = lu[c * n + c]!;
    maxPivot = Math.max(maxPivot, Math.abs(d));
    minPivot = Math.min(minPivot, Math.abs(d));
    if (d === 0) continue;
    for (let i = c + 1; i < n; i++) {
      const f = (lu[i * n + c]! /= d);
      if (f === 0) continue;
      const ri = i * n;
      const rc = c * n;
      for (let j = c + 1; j < n; j++) lu[ri + j] -= f * lu[rc + j]!;
    }
  }
  return { n, lu, pivots, pivotRatio: maxPivot > 0 ? minPivot / maxPivot : 0 };
}

/** Solves A x = r with a factorization from `denseLu`. */
export function luSolve(f: DenseLu, r: ArrayLike<number>): Float64Array {
  const { n, lu, pivots } = f;
  const x = Float64Array.from(r);
  for (let c = 0; c < n; c++) {
    const p = pivots[c]!;
    if (p !== c) {
      const t = x[c]!;
      x[c] = x[p]!;
      x[p] = t;
    }
  }
  for (let i = 0; i < n; i++) {
    let s = x[i]!;
    for (let j = 0; j < i; j++) s -= lu[i * n + j]! * x[j]!;
    x[i] = s;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i]!;
    for (let j = i + 1; j < n; j++) s -= lu[i * n + j]! * x[j]!;
    x[i] = s / lu[i * n + i]!;
  }
  return x;
}
