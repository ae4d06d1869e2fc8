import { ValueError } from '../../solvers/errors.js';

/**
 * Throws a `ValueError` naming the batch element when a QP's Q is not
 * positive semidefinite. The interior point method assumes a convex QP: on an
 * indefinite Q it can stop at a mere KKT point (a saddle or a local minimum of
 * an unbounded problem) and report it 'optimal'.
 *
 * The test is a Cholesky factorization of sym(Q) + delta I with
 * delta = 1e-6 * max(1, max_i |Q_ii|, max_ij |Q_ij|): a matrix is accepted
 * when its smallest eigenvalue is above about -delta, so float32 rounding of a
 * PSD (even singular, e.g. Q = 0 for an LP) matrix passes, while a clearly
 * negative curvature fails. Cost: n^3 / 6 flops per distinct Q.
 */
export function assertQpConvex(Q: Float64Array, n: number, batched: boolean, batch: number): void {
  const count = batched ? batch : 1;
  const L = new Float64Array(n * n);
  for (let e = 0; e < count; e++) {
    const q = Q.subarray(e * n * n, (e + 1) * n * n);
    let scale = 1;
    for (let k = 0; k < n * n; k++) scale = Math.max(scale, Math.abs(q[k]!));
    const delta = 1e-6 * scale;
    L.fill(0);
    for (let j = 0; j < n; j++) {
      let d = 0.5 * (q[j * n + j]! + q[j * n + j]!) + delta;
      for (let k = 0; k < j; k++) d -= L[j * n + k]! * L[j * n + k]!;
      if (!(d > 0)) {
        throw new ValueError(
          `qp: argument Q must be positive semidefinite${batched ? ` (batch element ${e})` : ''}: ` +
            `it has an eigenvalue below -${delta.toExponential(1)}, so the QP is not convex and an interior point 'optimal' would only be a KKT point`,
        );
      }
      const ljj = Math.sqrt(d);
      L[j * n + j] = ljj;
      for (let i = j + 1; i < n; i++) {
        let s = 0.5 * (q[i * n + j]! + q[j * n + i]!);
        for (let k = 0; k < j; k++) s -= L[i * n + k]! * L[j * n + k]!;
        L[i * n + j] = s / ljj;
      }
    }
  }
}
