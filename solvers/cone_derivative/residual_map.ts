import type { ConeProjectionJacobian } from '../cones/cone_projection.js';
import type { CscMatrix } from '../sparse/csc.js';

/**
 * The derivative of the normalized residual map of the homogeneous
 * self-dual embedding (Agrawal, Barratt, Boyd, Busseti, Moursi,
 * "Differentiating through a cone program", 2019, eq. (8)-(9)), made
 * nonsingular by a rank-one term:
 *
 *   Q = [[0, A', c], [-A, 0, b], [-c', -b', 0]]   (skew-symmetric, N = n + m + 1)
 *   D = blockdiag(I_n, DPi_K*(y - s), 1)
 *   M = (Q - I) D + I
 *   Mhat = M + alpha pihat e_N'
 *
 * Why the rank-one term: the residual R(z) = (Q - I) Pi(z) + z is positively
 * homogeneous, so at a solution z = (x, y - s, 1) Euler's identity gives
 * M z = R(z) = 0, and with pi = Pi(z) = (x, y, 1) (using Q pi = pi - z,
 * D pi = pi and D (pi - z) = 0) also M' pi = 0. M is therefore singular, with
 * null vectors z (right) and pi (left). Since pi is not in range(M) = pi^perp
 * and z_N = 1, Mhat is nonsingular whenever those are the only null
 * directions (a nondegenerate solution). Mhat dz = rhs has the solution with
 * dz_N = 0 for every rhs in range(M), which is the one the paper's
 * normalization selects; Mhat' r = g returns the solution of M' r = g that is
 * orthogonal to pi for every g orthogonal to z. Both are what the solution map
 * needs (it is invariant along z, and the data gradient is invariant along pi).
 */
export interface ResidualMap {
  readonly n: number;
  readonly m: number;
  readonly size: number;
  /** out = Mhat v. */
  apply(v: Float64Array, out: Float64Array): Float64Array;
  /** out = Mhat' v. */
  applyTranspose(v: Float64Array, out: Float64Array): Float64Array;
  /** Mhat as a dense row-major N x N matrix. */
  toDense(): Float64Array;
}

/** Builds the residual-map derivative at pi = (x, y, 1) with D from `dpi`. */
export function residualMap(
  A: CscMatrix,
  b: Float64Array,
  c: Float64Array,
  x: Float64Array,
  y: Float64Array,
  dpi: ConeProjectionJacobian,
): ResidualMap {
  const n = A.cols;
  const m = A.rows;
  const size = n + m + 1;
  const last = size - 1;
  let qMax = 0;
  for (const arr of [A.values, b, c]) for (let i = 0; i < arr.length; i++) qMax = Math.max(qMax, Math.abs(arr[i]!));
  const alpha = 1 + qMax;
  let piNorm = 1;
  for (let i = 0; i < n; i++) piNorm += x[i]! * x[i]!;
  for (let i = 0; i < m; i++) piNorm += y[i]! * y[i]!;
  piNorm = Math.sqrt(piNorm);
  const pihat = new Float64Array(size);
  for (let i = 0; i < n; i++) pihat[i] = x[i]! / piNorm;
  for (let i = 0; i < m; i++) pihat[n + i] = y[i]! / piNorm;
  pihat[last] = 1 / piNorm;

  const seg = new Float64Array(m);
  const segOut = new Float64Array(m);

  /** out = Q u (u and out of length N, distinct). */
  const applyQ = (u: Float64Array, out: Float64Array): void => {
    const uw = u[last]!;
    let w = 0;
    for (let j = 0; j < n; j++) {
      // column j of A: contributes A' u_y to row j, -A u_x to the v rows.
      let s = 0;
      const uj = u[j]!;
      for (let k = A.colPtr[j]!; k < A.colPtr[j + 1]!; k++) s += A.values[k]! * u[n + A.rowIndex[k]!]!;
      out[j] = s + c[j]! * uw;
      w -= c[j]! * uj;
    }
    for (let i = 0; i < m; i++) {
      out[n + i] = b[i]! * uw;
      w -= b[i]! * u[n + i]!;
    }
    for (let j = 0; j < n; j++) {
      const uj = u[j]!;
      if (uj === 0) continue;
      for (let k = A.colPtr[j]!; k < A.colPtr[j + 1]!; k++) out[n + A.rowIndex[k]!]! -= A.values[k]! * uj;
    }
    out[last] = w;
  };

  const dv = new Float64Array(size);
  const apply = (v: Float64Array, out: Float64Array): Float64Array => {
    // D v
    dv.set(v);
    seg.set(v.subarray(n, n + m));
    dpi.apply(seg, segOut);
    dv.set(segOut, n);
    applyQ(dv, out);
    const vw = v[last]!;
    for (let i = 0; i < size; i++) out[i] = out[i]! - dv[i]! + v[i]! + alpha * pihat[i]! * vw;
    return out;
  };

  const qv = new Float64Array(size);
  const applyTranspose = (v: Float64Array, out: Float64Array): Float64Array => {
    // Mhat' v = D (Q' - I) v + v + alpha e_N (pihat' v),  Q' = -Q.
    applyQ(v, qv);
    let piv = 0;
    for (let i = 0; i < size; i++) {
      qv[i] = -qv[i]! - v[i]!;
      piv += pihat[i]! * v[i]!;
    }
    seg.set(qv.subarray(n, n + m));
    dpi.applyTranspose(seg, segOut);
    qv.set(segOut, n);
    for (let i = 0; i < size; i++) out[i] = qv[i]! + v[i]!;
    out[last]! += alpha * piv;
    return out;
  };

  const toDense = (): Float64Array => {
    const M = new Float64Array(size * size);
    // Q - I
    for (let j = 0; j < n; j++) {
      for (let k = A.colPtr[j]!; k < A.colPtr[j + 1]!; k++) {
        const r = A.rowIndex[k]!;
        M[j * size + n + r] = A.values[k]!;
        M[(n + r) * size + j] = -A.values[k]!;
      }
      M[j * size + last] = c[j]!;
      M[last * size + j] = -c[j]!;
    }
    for (let i = 0; i < m; i++) {
      M[(n + i) * size + last] = b[i]!;
      M[last * size + n + i] = -b[i]!;
    }
    for (let i = 0; i < size; i++) M[i * size + i]! -= 1;
    // Right-multiply by D: only the v columns change; row_i D = (D' row_i')'.
    for (let i = 0; i < size; i++) {
      const row = M.subarray(i * size + n, i * size + n + m);
      seg.set(row);
      dpi.applyTranspose(seg, segOut);
      row.set(segOut);
    }
    for (let i = 0; i < size; i++) {
      M[i * size + i]! += 1;
      M[i * size + last]! += alpha * pihat[i]!;
    }
    return M;
  };

  return { n, m, size, apply, applyTranspose, toDense };
}
