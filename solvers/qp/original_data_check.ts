import { matTVec, matVec } from '../linalg/dense_kernels.js';
import type { SolverStatus } from '../status.js';
import { certificateNorms, isInfeasibilityCertificate, isUnboundedDirection } from './certificates.js';
import { InequalityOperator } from './inequality_operator.js';
import type { QpExampleData } from './qp_example.js';
import type { ResolvedQpOptions } from './qp_options.js';
import type { QpBatch, QpResult } from './qp_types.js';

/** Example e of a batch as `QpExampleData` (Q symmetrized into a copy; G used densely, not analysed). */
function exampleOf(qp: QpBatch, e: number): QpExampleData {
  const { n, nIneq: m, nEq: neq } = qp;
  const qOff = qp.Q.batched ? e * n * n : 0;
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) q[i * n + j] = 0.5 * (qp.Q.data[qOff + i * n + j]! + qp.Q.data[qOff + j * n + i]!);
  return {
    n, m, neq, q, qOff: 0, qDiagonal: false,
    p: qp.p.data, pOff: qp.p.batched ? e * n : 0,
    g: new InequalityOperator(qp.G.data, qp.G.batched ? e * m * n : 0, m, n, false),
    h: qp.h.data, hOff: qp.h.batched ? e * m : 0,
    a: qp.A.data, aOff: qp.A.batched ? e * neq * n : 0,
    b: qp.b.data, bOff: qp.b.batched ? e * neq : 0,
  };
}

/** Max-norm KKT residual on the given data: stationarity, (Gz - h)_+, |Az - b|, |lam (h - Gz)|, (-lam)_+. */
function kktResidualOf(ex: QpExampleData, z: Float64Array, lam: Float64Array, nu: Float64Array): number {
  const { n, m, neq } = ex;
  const r = new Float64Array(n);
  matVec(ex.q, 0, n, n, z, r);
  for (let i = 0; i < n; i++) r[i] += ex.p[ex.pOff + i]!;
  let res = 0;
  if (m > 0) {
    ex.g.applyTranspose(lam, r, true);
    const gz = new Float64Array(m);
    ex.g.apply(z, gz);
    for (let k = 0; k < m; k++) {
      const s = ex.h[ex.hOff + k]! - gz[k]!;
      res = Math.max(res, -s, Math.abs(lam[k]! * s), -lam[k]!);
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

/**
 * Re-checks a result computed on scaled data against the ORIGINAL data
 * `qp`: the reported KKT residual is recomputed there, and every certificate
 * is verified there before it is reported (certificates.ts tests at
 * `tolInfeas`): an `infeasible` (lam, nu) or `unbounded` ray z that fails
 * becomes `*_inaccurate` when it passes at `tolInaccurate`, else `max_iters`,
 * with the reason in `messages`. An `_inaccurate` certificate that fails even
 * the loose test becomes `max_iters`.
 */
export function checkOnOriginalData(qp: QpBatch, result: QpResult, o: ResolvedQpOptions): QpResult {
  const { batch, n, nIneq: m, nEq: neq } = qp;
  const status: SolverStatus[] = result.status.slice();
  const messages = result.messages.slice();
  const kktResidual = new Float64Array(batch);
  for (let e = 0; e < batch; e++) {
    const ex = exampleOf(qp, e);
    const z = result.z.subarray(e * n, (e + 1) * n);
    const lam = result.lam.subarray(e * m, (e + 1) * m);
    const nu = result.nu.subarray(e * neq, (e + 1) * neq);
    kktResidual[e] = kktResidualOf(ex, z, lam, nu);
    const s = status[e]!;
    const kind = s.startsWith('infeasible') ? 'infeasible' : s.startsWith('unbounded') ? 'unbounded' : null;
    if (!kind) continue;
    const norms = certificateNorms(ex);
    const tn = new Float64Array(n);
    const holds = (tol: number) =>
      kind === 'infeasible' ? isInfeasibilityCertificate(ex, lam, nu, tol, norms, tn) : isUnboundedDirection(ex, z, tol, norms, tn);
    const accurate = s === kind && holds(o.tolInfeas);
    if (accurate) continue;
    if (holds(o.tolInaccurate)) {
      status[e] = kind === 'infeasible' ? 'infeasible_inaccurate' : 'unbounded_inaccurate';
      if (s === kind) messages[e] = `the ${kind} certificate holds on the original data only to ${o.tolInaccurate} (not ${o.tolInfeas})`;
    } else {
      status[e] = 'max_iters';
      messages[e] = `the ${kind} certificate found on the scaled problem does not hold on the original data; no status could be proved`;
    }
  }
  return { ...result, status, messages, kktResidual };
}
