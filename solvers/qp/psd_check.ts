import type { QpBatch, QpResult } from './qp_types.js';

/**
 * Relative shift of the PSD test: Q counts as positive semidefinite when
 * Q + PSD_SHIFT max_i |Q_ii| I has a Cholesky factor, i.e. its smallest
 * eigenvalue is above -1e-9 of its largest diagonal entry (rounding in
 * forming Q = B B' is ~1e-16 of it).
 */
const PSD_SHIFT = 1e-9;

/**
 * Whether the symmetric part of the n x n block of `q` at `off` is positive
 * semidefinite to `PSD_SHIFT` (plain Cholesky of 1/2 (Q + Q') + shift I; a
 * pivot <= 0 proves a direction of negative curvature). O(n^3 / 6); a
 * diagonal Q only needs Q_ii >= 0.
 */
export function isPsd(q: Float64Array, off: number, n: number): boolean {
  let dMax = 0;
  let diagonal = true;
  for (let i = 0; i < n; i++) {
    dMax = Math.max(dMax, Math.abs(q[off + i * n + i]!));
    for (let j = 0; j < n && diagonal; j++) if (i !== j && q[off + i * n + j] !== 0) diagonal = false;
  }
  const shift = PSD_SHIFT * dMax;
  if (diagonal) {
    for (let i = 0; i < n; i++) if (q[off + i * n + i]! + shift < 0) return false;
    return true;
  }
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0.5 * (q[off + i * n + j]! + q[off + j * n + i]!) + (i === j ? shift : 0);
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        // A zero pivot is allowed only when its column is zero too (a zero block of Q, e.g. an LP).
        if (!(s > 0)) {
          if (s < 0 || !Number.isFinite(s)) return false;
          l[i * n + i] = 0;
        } else l[i * n + i] = Math.sqrt(s);
      } else {
        const d = l[j * n + j]!;
        if (d === 0) {
          if (s !== 0) return false;
          l[i * n + j] = 0;
        } else l[i * n + j] = s / d;
      }
    }
  }
  return true;
}

/**
 * The result with every example whose Q is not positive semidefinite
 * (`isPsd`) marked `singular` (the documented status for a KKT matrix that is
 * not PSD) with the reason in its message, and given zero gradient. On such
 * a Q the reduced matrix Q + G'WG can still be positive definite (an active
 * row supplies the missing curvature), so the interior point method would
 * otherwise return a mere KKT point labelled `optimal`.
 */
export function flagIndefiniteQ(qp: QpBatch, result: QpResult): QpResult {
  const { batch, n } = qp;
  const count = qp.Q.batched ? batch : 1;
  const bad: boolean[] = [];
  for (let c = 0; c < count; c++) bad.push(!isPsd(qp.Q.data, c * n * n, n));
  if (!bad.includes(true)) return result;
  const isBad = (e: number) => bad[qp.Q.batched ? e : 0]!;
  const status = result.status.map((s, e) => (isBad(e) ? 'singular' : s));
  const messages = result.messages.map((m, e) => (isBad(e) ? 'Q is not positive semidefinite (a Cholesky factorization of Q + 1e-9 max|Q_ii| I fails): the problem is not convex' : m));
  return {
    ...result,
    status,
    messages,
    backward(dlDz: Float64Array) {
      const dl = dlDz.slice();
      for (let e = 0; e < batch; e++) if (isBad(e) && dl.length === batch * n) dl.fill(0, e * n, (e + 1) * n);
      return result.backward(dl);
    },
  };
}
