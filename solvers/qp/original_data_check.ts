import { matTVec, matVec, maxAbs } from '../linalg/dense_kernels.js';
import type { SolverStatus } from '../status.js';
import { certificateNorms, isInfeasibilityCertificate, isUnboundedDirection } from './certificates.js';
import { InequalityOperator } from './inequality_operator.js';
import { kktResidual, type QpExampleData } from './qp_example.js';
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

/**
 * Relative (scale-invariant) KKT error of a solution on the given data: the
 * largest of the stationarity residual per component relative to
 * (|Q||z| + |p| + |G|'|lam| + |A|'|nu|)_i, each constraint's violation
 * relative to (|G||z| + |h|)_k (resp. (|A||z| + |b|)_j), and the duality gap
 * sum_k lam_k s_k relative to |z|'|Q||z| + |p|'|z| + |h|'|lam| + |b|'|nu|.
 * Denominators have a floor of 1e-6 (1 + the largest magnitude of their
 * block), so terms that all vanish (z = 0, p = 0) leave an absolute test.
 */
/** Fraction of the largest stationarity magnitude below which a component's own magnitude is not trusted. */
const COMPONENT_FLOOR = 1e-6;

function relativeKktError(ex: QpExampleData, z: Float64Array, lam: Float64Array, nu: Float64Array): number {
  const { n, m, neq } = ex;
  const r = new Float64Array(n);
  const mag = new Float64Array(n);
  let objMag = 0;
  for (let i = 0; i < n; i++) {
    let t = ex.p[ex.pOff + i]!;
    let a = Math.abs(t);
    for (let j = 0; j < n; j++) {
      const v = ex.q[i * n + j]! * z[j]!;
      t += v;
      a += Math.abs(v);
      objMag += Math.abs(v * z[i]!);
    }
    r[i] = t;
    mag[i] = a;
    objMag += Math.abs(ex.p[ex.pOff + i]! * z[i]!);
  }
  let worst = 0;
  let gap = 0;
  if (m > 0) {
    ex.g.applyTranspose(lam, r, true);
    const absLam = Float64Array.from(lam, Math.abs);
    ex.g.applyAbsTransposeAccumulate(absLam, mag);
    const gz = new Float64Array(m);
    const gzMag = new Float64Array(m);
    ex.g.apply(z, gz);
    ex.g.applyAbs(Float64Array.from(z, Math.abs), gzMag);
    let maxRow = 0;
    for (let k = 0; k < m; k++) maxRow = Math.max(maxRow, gzMag[k]! + Math.abs(ex.h[ex.hOff + k]!));
    const rowNorms = new Float64Array(m);
    ex.g.absSums(rowNorms, new Float64Array(n));
    const zN = maxAbs(z, n);
    for (let k = 0; k < m; k++) {
      const h = ex.h[ex.hOff + k]!;
      const s = h - gz[k]!;
      // Rows whose terms all vanish (0 <= 0 at z = 0) are measured against the largest row and
      // against |g_k|_1 |z|_inf, so rounding of a near-zero product does not read as 100%.
      const rowMag = Math.max(gzMag[k]! + Math.abs(h), COMPONENT_FLOOR * (Math.max(maxRow, rowNorms[k]! * zN) + 1));
      if (s < 0) worst = Math.max(worst, -s / rowMag);
      gap += Math.abs(lam[k]! * s);
      objMag += Math.abs(h * lam[k]!);
    }
  }
  const eqViol = new Float64Array(neq);
  const eqMag = new Float64Array(neq);
  if (neq > 0) {
    matTVec(ex.a, ex.aOff, neq, n, nu, r, true);
    for (let j = 0; j < neq; j++) {
      let az = 0;
      let rowMag = Math.abs(ex.b[ex.bOff + j]!);
      for (let i = 0; i < n; i++) {
        const v = ex.a[ex.aOff + j * n + i]!;
        az += v * z[i]!;
        rowMag += Math.abs(v * z[i]!);
        mag[i] += Math.abs(v * nu[j]!);
      }
      const viol = Math.abs(az - ex.b[ex.bOff + j]!);
      eqViol[j] = viol;
      eqMag[j] = rowMag;
      objMag += Math.abs(ex.b[ex.bOff + j]! * nu[j]!);
    }
  }
  let maxEq = 0;
  for (let j = 0; j < neq; j++) maxEq = Math.max(maxEq, eqMag[j]!);
  const zInf = maxAbs(z, n);
  for (let j = 0; j < neq; j++) {
    if (!(eqViol[j]! > 0)) continue;
    let rowN = 0;
    for (let i = 0; i < n; i++) rowN += Math.abs(ex.a[ex.aOff + j * n + i]!);
    worst = Math.max(worst, eqViol[j]! / Math.max(eqMag[j]!, COMPONENT_FLOOR * (Math.max(maxEq, rowN * zInf) + 1)));
  }
  // A component whose terms all vanish (e.g. a free variable at 0 with a zero multiplier) is
  // measured against a small fraction of the largest one instead (else rounding reads as 100%).
  let maxMag = 0;
  for (let i = 0; i < n; i++) maxMag = Math.max(maxMag, mag[i]!);
  // (+ COMPONENT_FLOOR itself: at z = 0 with p = 0 every term vanishes and only rounding remains;
  // it also matches the solver's own 1 + |.| stopping test. A tiny cost, p ~ 1e-11, would pass
  // any point here: `ruizScaling` brings such a cost to unit scale first, MAX_COST_FACTOR.)
  const floor = COMPONENT_FLOOR * (maxMag + 1);
  for (let i = 0; i < n; i++) if (r[i] !== 0) worst = Math.max(worst, Math.abs(r[i]!) / Math.max(mag[i]!, floor, 1e-300));
  if (gap > 0) worst = Math.max(worst, gap / (objMag + COMPONENT_FLOOR));
  return Number.isNaN(worst) ? Infinity : worst;
}

/**
 * Re-checks a result computed on scaled data against the ORIGINAL data
 * `qp`: the reported KKT residual is recomputed there, and every certificate
 * is verified there before it is reported (certificates.ts tests at
 * `tolInfeas`): an `infeasible` (lam, nu) or `unbounded` ray z that fails
 * becomes `*_inaccurate` when it passes at `tolInaccurate`, else `max_iters`,
 * with the reason in `messages`. An `_inaccurate` certificate that fails even
 * the loose test becomes `max_iters`. A solved point is confirmed with the
 * componentwise relative KKT error (`relativeKktError`): 'optimal' needs it
 * <= sqrt(tol), 'optimal_inaccurate' <= sqrt(tolInaccurate); otherwise the
 * status is lowered (to `optimal_inaccurate` or `max_iters`) and says why.
 */
export function checkOnOriginalData(qp: QpBatch, result: QpResult, o: ResolvedQpOptions): QpResult {
  const { batch, n, nIneq: m, nEq: neq } = qp;
  const status: SolverStatus[] = result.status.slice();
  const messages = result.messages.slice();
  const residuals = new Float64Array(batch);
  for (let e = 0; e < batch; e++) {
    const ex = exampleOf(qp, e);
    const z = result.z.subarray(e * n, (e + 1) * n);
    const lam = result.lam.subarray(e * m, (e + 1) * m);
    const nu = result.nu.subarray(e * neq, (e + 1) * neq);
    residuals[e] = kktResidual(ex, z, lam, nu);
    const s = status[e]!;
    if (s === 'optimal' || s === 'optimal_inaccurate') {
      // The stopping test ran on (possibly scaled) data with normwise measures: confirm on the
      // original data with the componentwise relative error (sqrt(tol): the primal error of a
      // degenerate vertex converges like the square root of complementarity).
      const rel = relativeKktError(ex, z, lam, nu);
      if (s === 'optimal' && rel > Math.sqrt(o.tol)) {
        status[e] = rel <= Math.sqrt(o.tolInaccurate) ? 'optimal_inaccurate' : 'max_iters';
        messages[e] = `converged on the solver's scaled problem, but the relative KKT error on the original data is ${rel.toExponential(2)}`;
      } else if (s === 'optimal_inaccurate' && rel > Math.sqrt(o.tolInaccurate)) {
        status[e] = 'max_iters';
        messages[e] = `stopped short of convergence; the relative KKT error on the original data is ${rel.toExponential(2)}`;
      }
      continue;
    }
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
  return { ...result, status, messages, kktResidual: residuals };
}
