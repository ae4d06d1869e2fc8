/**
 * Dense Cholesky factorization A = L L' of a symmetric positive (semi)definite
 * matrix, in place on a row-major array, with dynamic pivot regularization
 * (a pivot below max(`pivotFloor`, `relativeFloor` A[i][i]) is replaced by
 * max(`pivotReplacement`, `relativeFloor` A[i][i]), in the spirit of
 * QDLDL/OSQP's static+dynamic regularization), and the triangular solves.
 *
 * Layout: only the lower triangle (j <= i) of the row-major `n x n` array is
 * read and overwritten with L; the upper triangle is left untouched. The
 * reciprocal pivots 1/L[i][i] are kept in a separate array so solves multiply
 * instead of divide.
 */

/** Outcome of `choleskyInPlace`. */
export interface CholeskyInfo {
  /** Pivots replaced by `pivotReplacement` because they fell below `pivotFloor`. */
  readonly regularizedPivots: number;
  /** False when a pivot was NaN or infinite (the factor is then unusable). */
  readonly finite: boolean;
  /** Smallest pivot before replacement (negative values reveal an indefinite matrix). */
  readonly minPivot: number;
}

/**
 * Crout (row-oriented, left-looking) Cholesky: for each row i and column j < i,
 *   L[i][j] = (A[i][j] - sum_{k<j} L[i][k] L[j][k]) / L[j][j],
 *   L[i][i] = sqrt(A[i][i] - sum_{k<i} L[i][k]^2).
 * Dot products run over contiguous rows. Register tiling: two rows i, i+1
 * advance together over tiles of four columns j..j+3 (8 accumulators), so
 * each load of L[j+c][k] feeds two multiply-adds and each load of L[i+r][k]
 * four. Every entry is accumulated in the same order as the untiled
 * recurrence (k ascending, then the in-tile corrections), so the factor does
 * not depend on the tiling. `invDiag[i]` receives 1/L[i][i].
 */
export function choleskyInPlace(
  a: Float64Array, n: number, invDiag: Float64Array,
  pivotFloor = 0, pivotReplacement = 1e-8, relativeFloor = 1e-14,
): CholeskyInfo {
  const stats = { regularizedPivots: 0, finite: true, minPivot: Infinity };
  for (let i = 0; i < n; i += 2) {
    const pair = i + 1 < n;
    const ri = i * n;
    const ri1 = ri + n;
    let j = 0;
    // Column tiles strictly left of row i, shared by rows i and i+1.
    if (pair) {
      for (; j + 3 < i; j += 4) {
        const r0 = j * n;
        const r1 = r0 + n;
        const r2 = r1 + n;
        const r3 = r2 + n;
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0, t0 = 0, t1 = 0, t2 = 0, t3 = 0;
        for (let k = 0; k < j; k++) {
          const w0 = a[r0 + k]!;
          const w1 = a[r1 + k]!;
          const w2 = a[r2 + k]!;
          const w3 = a[r3 + k]!;
          const l = a[ri + k]!;
          s0 += l * w0; s1 += l * w1; s2 += l * w2; s3 += l * w3;
          const m = a[ri1 + k]!;
          t0 += m * w0; t1 += m * w1; t2 += m * w2; t3 += m * w3;
        }
        finishTile(a, ri, j, r1, r2, r3, s0, s1, s2, s3, invDiag);
        finishTile(a, ri1, j, r1, r2, r3, t0, t1, t2, t3, invDiag);
      }
    }
    if (!finishRow(a, n, i, j, invDiag, pivotFloor, pivotReplacement, relativeFloor, stats)) return stats;
    if (pair && !finishRow(a, n, i + 1, j, invDiag, pivotFloor, pivotReplacement, relativeFloor, stats)) return stats;
  }
  return stats;
}

/** Completes L[row][j..j+3] from the prefix sums s_c = sum_{k<j} L[row][k] L[j+c][k]. */
function finishTile(
  a: Float64Array, ri: number, j: number, r1: number, r2: number, r3: number,
  s0: number, s1: number, s2: number, s3: number, invDiag: Float64Array,
): void {
  const l0 = (a[ri + j]! - s0) * invDiag[j]!;
  a[ri + j] = l0;
  const l1 = (a[ri + j + 1]! - s1 - l0 * a[r1 + j]!) * invDiag[j + 1]!;
  a[ri + j + 1] = l1;
  const l2 = (a[ri + j + 2]! - s2 - l0 * a[r2 + j]! - l1 * a[r2 + j + 1]!) * invDiag[j + 2]!;
  a[ri + j + 2] = l2;
  a[ri + j + 3] = (a[ri + j + 3]! - s3 - l0 * a[r3 + j]! - l1 * a[r3 + j + 1]! - l2 * a[r3 + j + 2]!) * invDiag[j + 3]!;
}

/**
 * Finishes row i of the factor from column `j0` (earlier columns done): the
 * remaining four-column tiles, single columns, then the pivot, recorded in
 * `stats`. Returns false when the pivot is not finite (the factor is unusable).
 */
function finishRow(
  a: Float64Array, n: number, i: number, j0: number, invDiag: Float64Array,
  pivotFloor: number, pivotReplacement: number, relativeFloor: number,
  stats: { regularizedPivots: number; finite: boolean; minPivot: number },
): boolean {
  const ri = i * n;
  let j = j0;
  for (; j + 3 < i; j += 4) {
    const r0 = j * n;
    const r1 = r0 + n;
    const r2 = r1 + n;
    const r3 = r2 + n;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let k = 0; k < j; k++) {
      const l = a[ri + k]!;
      s0 += l * a[r0 + k]!;
      s1 += l * a[r1 + k]!;
      s2 += l * a[r2 + k]!;
      s3 += l * a[r3 + k]!;
    }
    finishTile(a, ri, j, r1, r2, r3, s0, s1, s2, s3, invDiag);
  }
  for (; j < i; j++) {
    const rj = j * n;
    let s = 0;
    for (let k = 0; k < j; k++) s += a[ri + k]! * a[rj + k]!;
    a[ri + j] = (a[ri + j]! - s) * invDiag[j]!;
  }
  const aii = a[ri + i]!;
  let d = aii;
  for (let k = 0; k < i; k++) {
    const l = a[ri + k]!;
    d -= l * l;
  }
  if (!Number.isFinite(d)) {
    stats.finite = false;
    stats.minPivot = NaN;
    return false;
  }
  if (d < stats.minPivot) stats.minPivot = d;
  // A pivot lost to cancellation (below relativeFloor * A[i][i]) is rounding noise: replace it
  // by a value on the scale of its own row, so huge and tiny rows cannot blow up later rows.
  const rel = relativeFloor * Math.abs(aii);
  if (d <= pivotFloor || d <= rel) {
    d = Math.max(pivotReplacement, rel);
    stats.regularizedPivots++;
  }
  const sq = Math.sqrt(d);
  a[ri + i] = sq;
  invDiag[i] = 1 / sq;
  return true;
}

/**
 * Solves L y = b in place (b becomes y); L from `choleskyInPlace`. Row-oriented
 * dot products over contiguous rows of L, four rows at a time sharing each
 * load of b; per row, even and odd k accumulate separately (two chains).
 */
export function solveLowerInPlace(l: Float64Array, n: number, invDiag: Float64Array, b: Float64Array): void {
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const r0 = i * n;
    const r1 = r0 + n;
    const r2 = r1 + n;
    const r3 = r2 + n;
    // i is a multiple of 4, so the shared prefix k < i has even length.
    let a0 = b[i]!, a1 = 0, b0 = b[i + 1]!, b1 = 0, c0 = b[i + 2]!, c1 = 0, d0 = b[i + 3]!, d1 = 0;
    for (let k = 0; k < i; k += 2) {
      const x0 = b[k]!;
      const x1 = b[k + 1]!;
      a0 -= l[r0 + k]! * x0; a1 -= l[r0 + k + 1]! * x1;
      b0 -= l[r1 + k]! * x0; b1 -= l[r1 + k + 1]! * x1;
      c0 -= l[r2 + k]! * x0; c1 -= l[r2 + k + 1]! * x1;
      d0 -= l[r3 + k]! * x0; d1 -= l[r3 + k + 1]! * x1;
    }
    const y0 = (a0 + a1) * invDiag[i]!;
    b[i] = y0;
    b0 -= l[r1 + i]! * y0;
    const y1 = (b0 + b1) * invDiag[i + 1]!;
    b[i + 1] = y1;
    c0 -= l[r2 + i]! * y0; c1 -= l[r2 + i + 1]! * y1;
    const y2 = (c0 + c1) * invDiag[i + 2]!;
    b[i + 2] = y2;
    d0 -= l[r3 + i]! * y0; d1 -= l[r3 + i + 1]! * y1; d0 -= l[r3 + i + 2]! * y2;
    b[i + 3] = (d0 + d1) * invDiag[i + 3]!;
  }
  for (; i < n; i++) {
    const ri = i * n;
    let s0 = b[i]!, s1 = 0;
    let k = 0;
    for (; k + 1 < i; k += 2) {
      s0 -= l[ri + k]! * b[k]!;
      s1 -= l[ri + k + 1]! * b[k + 1]!;
    }
    if (k < i) s0 -= l[ri + k]! * b[k]!;
    b[i] = (s0 + s1) * invDiag[i]!;
  }
}

/**
 * Solves L' x = y in place (y becomes x). Column sweep over rows of L (axpy
 * form, contiguous reads), four rows per sweep so each y[k] is loaded and
 * stored once per four multiply-adds (same update order as one row at a time).
 */
export function solveLowerTransposeInPlace(l: Float64Array, n: number, invDiag: Float64Array, y: Float64Array): void {
  let i = n - 1;
  for (; i >= 3; i -= 4) {
    const r0 = i * n;
    const r1 = r0 - n;
    const r2 = r1 - n;
    const r3 = r2 - n;
    const x0 = y[i]! * invDiag[i]!;
    y[i] = x0;
    const x1 = (y[i - 1]! - l[r0 + i - 1]! * x0) * invDiag[i - 1]!;
    y[i - 1] = x1;
    const x2 = (y[i - 2]! - l[r0 + i - 2]! * x0 - l[r1 + i - 2]! * x1) * invDiag[i - 2]!;
    y[i - 2] = x2;
    const x3 = (y[i - 3]! - l[r0 + i - 3]! * x0 - l[r1 + i - 3]! * x1 - l[r2 + i - 3]! * x2) * invDiag[i - 3]!;
    y[i - 3] = x3;
    const end = i - 3;
    for (let k = 0; k < end; k++) {
      y[k] = y[k]! - l[r0 + k]! * x0 - l[r1 + k]! * x1 - l[r2 + k]! * x2 - l[r3 + k]! * x3;
    }
  }
  for (; i >= 0; i--) {
    const xi = y[i]! * invDiag[i]!;
    y[i] = xi;
    const ri = i * n;
    for (let k = 0; k < i; k++) y[k] -= l[ri + k]! * xi;
  }
}

/** Solves (L L') x = b in place. */
export function choleskySolveInPlace(l: Float64Array, n: number, invDiag: Float64Array, b: Float64Array): void {
  solveLowerInPlace(l, n, invDiag, b);
  solveLowerTransposeInPlace(l, n, invDiag, b);
}
