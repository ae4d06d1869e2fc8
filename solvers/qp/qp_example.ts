import { matTVec, matVec } from '../linalg/dense_kernels.js';
import type { InequalityOperator } from './inequality_operator.js';

/**
 * Views of one example of a QP batch: offsets into the (possibly shared)
 * argument arrays, so broadcast arguments are never copied. Q here is the
 * symmetrized 1/2 (Q + Q'), which defines the same objective.
 */
export interface QpExampleData {
  readonly n: number;
  readonly m: number;
  readonly neq: number;
  readonly q: Float64Array;
  readonly qOff: number;
  readonly qDiagonal: boolean;
  readonly p: Float64Array;
  readonly pOff: number;
  readonly g: InequalityOperator;
  readonly h: Float64Array;
  readonly hOff: number;
  readonly a: Float64Array;
  readonly aOff: number;
  readonly b: Float64Array;
  readonly bOff: number;
}

/**
 * Max-norm KKT residual of (z, lam, nu) for one example: stationarity
 * Qz + p + G'lam + A'nu, primal feasibility (Gz - h)_+ and Az - b, and
 * complementarity lam .* (h - Gz).
 */
export function kktResidual(ex: QpExampleData, z: Float64Array, lam: Float64Array, nu: Float64Array): number {
  const { n, m, neq } = ex;
  const r = new Float64Array(n);
  matVec(ex.q, ex.qOff, n, n, z, r);
  for (let i = 0; i < n; i++) r[i] += ex.p[ex.pOff + i]!;
  let res = 0;
  if (m > 0) {
    ex.g.applyTranspose(lam, r, true);
    const gz = new Float64Array(m);
    ex.g.apply(z, gz);
    for (let k = 0; k < m; k++) {
      const slack = ex.h[ex.hOff + k]! - gz[k]!;
      res = Math.max(res, -slack, Math.abs(lam[k]! * slack), -lam[k]!);
    }
  }
  if (neq > 0) {
    matTVec(ex.a, ex.aOff, neq, n, nu, r, true);
    const az = new Float64Array(neq);
    matVec(ex.a, ex.aOff, neq, n, z, az);
    for (let j = 0; j < neq; j++) res = Math.max(res, Math.abs(az[j]! - ex.b[ex.bOff + j]!));
  }
  for (let i = 0; i < n; i++) res = Math.max(res, Math.abs(r[i]!));
  return Number.isNaN(res) ? Infinity : res;
}
