import type { QpBackwardResult, QpBatch, QpResult } from '../../solvers/qp/qp_types.js';
import type { SolverStatus } from '../../solvers/status.js';

/**
 * Solves a batch of QPs with no variables left (n = 0, e.g. every variable
 * was eliminated by `EqualityElimination`, or the problem has none), which
 * the interior point method does not accept. The constraints are then the
 * constant conditions  0 = b,  0 <= h:  an example is 'optimal' when every
 * |b_i| and every -h_i is at most tol (1 + |entry|), else 'infeasible'. The
 * multipliers nu = 0, lam = 0 satisfy the KKT conditions of a feasible
 * example (stationarity is empty, complementarity lam'(h - 0) = 0), and the
 * solution does not move with the data, so every gradient is zero.
 */
export function solveQpWithoutVariables(qp: QpBatch, tol: number): QpResult {
  const { batch, nEq, nIneq } = qp;
  const status: SolverStatus[] = [];
  const residual = new Float64Array(batch);
  for (let e = 0; e < batch; e++) {
    const b = qp.b.batched ? qp.b.data.subarray(e * nEq, (e + 1) * nEq) : qp.b.data;
    const h = qp.h.batched ? qp.h.data.subarray(e * nIneq, (e + 1) * nIneq) : qp.h.data;
    let worst = 0;
    let feasible = true;
    for (let i = 0; i < nEq; i++) {
      worst = Math.max(worst, Math.abs(b[i]!));
      if (Math.abs(b[i]!) > tol * (1 + Math.abs(b[i]!))) feasible = false;
    }
    for (let i = 0; i < nIneq; i++) {
      worst = Math.max(worst, -h[i]!);
      if (-h[i]! > tol * (1 + Math.abs(h[i]!))) feasible = false;
    }
    status.push(feasible ? 'optimal' : 'infeasible');
    residual[e] = worst;
  }
  const slack = new Float64Array(batch * nIneq);
  for (let e = 0; e < batch; e++) slack.set(qp.h.batched ? qp.h.data.subarray(e * nIneq, (e + 1) * nIneq) : qp.h.data, e * nIneq);
  const zeroGradients = (): QpBackwardResult => ({
    backwardResidual: new Float64Array(batch),
    backwardFailed: new Uint8Array(batch),
    dQ: new Float64Array(qp.Q.data.length),
    dp: new Float64Array(qp.p.data.length),
    dG: new Float64Array(qp.G.data.length),
    dh: new Float64Array(qp.h.data.length),
    dA: new Float64Array(qp.A.data.length),
    db: new Float64Array(qp.b.data.length),
  });
  return {
    batch,
    z: new Float64Array(0),
    lam: new Float64Array(batch * nIneq),
    nu: new Float64Array(batch * nEq),
    slack,
    status,
    iterations: new Int32Array(batch),
    kktResidual: residual,
    messages: status.map((s) => (s === 'optimal' ? 'no variables: every constant constraint holds' : 'no variables: a constant constraint is violated')),
    backward: zeroGradients,
  };
}
