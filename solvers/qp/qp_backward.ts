import { assertFinite, ShapeError } from '../errors.js';
import { isSolved } from '../status.js';
import { matTVec, matVec, maxAbs } from '../linalg/dense_kernels.js';
import { ExampleSolver, STATUS_CODES, type QpBatchContext } from './batch_context.js';
import type { ReducedKkt } from './reduced_kkt.js';
import type { QpExampleData } from './qp_example.js';
import type { QpBackwardResult, QpBatch, QpSolution } from './qp_types.js';

/**
 * Gradients of a loss l(z*) through the batched QP by implicit
 * differentiation of the KKT conditions (OptNet, Amos & Kolter 2017, eqs. 6-8).
 * With the stored factorization of H = Q + G'WG (W = diag(lam/s)) solve
 *   H u + A'w = dl/dz,  A u = 0,      and set  v = W G u  (= lam .* dlam-adjoint),
 * then, writing dz = -u, D(lam) dlam = -v, dnu = -w as in the paper:
 *   dp = dz,  dQ = 1/2 (dz z' + z dz'),  dG = D(lam) dlam z' + lam dz',
 *   dh = -D(lam) dlam,  dA = dnu z' + nu dz',  db = -dnu.
 * Shared arguments accumulate the sum over the batch. Examples whose status is
 * not optimal/optimal_inaccurate contribute zero gradient (their status says why).
 * Every example's linear solve is refined until its residual stops falling,
 * then checked (`adjointResidual`): one above `BACKWARD_TOLERANCE` is flagged
 * in `backwardFailed` and contributes zero gradient, so callers apply their
 * failure policy to it. The factorization at the returned point is computed
 * here on the first backward call when the forward pass deferred it
 * (`ReducedKkt.deferFactor`) and kept for later calls; an example whose
 * deferred factorization fails is flagged the same way (residual Infinity).
 */
export function qpBackward(qp: QpBatch, ctx: QpBatchContext, sol: QpSolution, dlDz: Float64Array): QpBackwardResult {
  const { batch, n, nIneq: m, nEq: neq } = qp;
  if (!(dlDz instanceof Float64Array) || dlDz.length !== batch * n) {
    throw new ShapeError(`dlDz must be a Float64Array of batch x n = ${batch * n} entries, got ${dlDz?.length}`);
  }
  assertFinite(dlDz, 'dlDz');
  const grad = (arg: { batched: boolean }, size: number) => new Float64Array(arg.batched ? batch * size : size);
  const dQ = grad(qp.Q, n * n);
  const dp = grad(qp.p, n);
  const dG = grad(qp.G, m * n);
  const dh = grad(qp.h, m);
  const dA = grad(qp.A, neq * n);
  const db = grad(qp.b, neq);
  const u = new Float64Array(n);
  const w = new Float64Array(neq);
  const v = new Float64Array(m);
  const zeros = new Float64Array(neq);
  const ws = { e1: new Float64Array(n), e2: new Float64Array(m), e3: new Float64Array(neq), cu: new Float64Array(n), cw: new Float64Array(neq), t: new Float64Array(m) };
  const solver = new ExampleSolver(ctx);
  const backwardResidual = new Float64Array(batch);
  const backwardFailed = new Uint8Array(batch);
  for (let e = 0; e < batch; e++) {
    // Solved examples (and only those) end with a factorization, or its deferred weights, at the returned point.
    if (!isSolved(STATUS_CODES[ctx.status[e]!]!)) continue;
    const ex = solver.example(e);
    const kkt = solver.kkt(ex, e, true);
    // The forward pass defers this factorization (pure inference never needs it); compute it once here.
    if (kkt.ensureFactored() !== 'ok') {
      backwardResidual[e] = Infinity;
      backwardFailed[e] = 1;
      continue;
    }
    const z = sol.z.subarray(e * n, (e + 1) * n);
    const lam = sol.lam.subarray(e * m, (e + 1) * m);
    const slack = sol.slack.subarray(e * m, (e + 1) * m);
    const g = dlDz.subarray(e * n, (e + 1) * n);
    kkt.solve(g, zeros, u, w, BACKWARD_REFINEMENT_STEPS);
    if (m > 0) {
      ex.g.apply(u, v);
      for (let k = 0; k < m; k++) v[k] *= kkt.w[k]!;
    }
    refineAdjoint(ex, kkt, g, lam, slack, u, v, w, ws);
    const res = adjointResidual(ex, g, lam, slack, u, v, w, ws);
    backwardResidual[e] = res;
    if (!(res <= BACKWARD_TOLERANCE)) {
      // Report, never use: a gradient from an unconverged linear solve is a silent wrong answer.
      backwardFailed[e] = 1;
      continue;
    }
    const nu = sol.nu.subarray(e * neq, (e + 1) * neq);
    accumulateGradients(
      n, m, neq, z, lam, nu, u, v, w,
      dQ, qp.Q.batched ? e * n * n : 0, dp, qp.p.batched ? e * n : 0,
      dG, qp.G.batched ? e * m * n : 0, dh, qp.h.batched ? e * m : 0,
      dA, qp.A.batched ? e * neq * n : 0, db, qp.b.batched ? e * neq : 0,
    );
  }
  return { dQ, dp, dG, dh, dA, db, backwardResidual, backwardFailed };
}

/** Most refinement steps of a backward KKT solve (it stops earlier once the residual stops falling). */
const BACKWARD_REFINEMENT_STEPS = 30;

/**
 * Normwise relative backward error (see `adjointResidual`) a backward solve
 * must reach for its gradient to be used; above it the example is flagged in
 * `backwardFailed` and contributes zero gradient.
 */
export const BACKWARD_TOLERANCE = 1e-8;

/**
 * Normwise relative backward error of the adjoint KKT system at (u, v, w)
 * (OptNet's backward system with D(lam) folded into v):
 *   Q u + G'v + A'w = g,   lam_k (G u)_k = s_k v_k,   A u = 0,
 * each block row's residual divided by the norms of its terms (Higham's
 * normwise backward error, infinity norms): |Q||u| + |G'||v| + |A'||w| + |g|
 * for stationarity, lam_k |g_k|_1 |u| + s_k |v_k| for complementarity row k,
 * |a_j|_1 |u| for equality row j. It is invariant to scaling the data and
 * the loss, and small exactly when (u, v, w) solves a nearby system.
 */
function adjointResidual(
  ex: QpExampleData, g: Float64Array, lam: Float64Array, slack: Float64Array,
  u: Float64Array, v: Float64Array, w: Float64Array,
  ws: { e1: Float64Array; e2: Float64Array; e3: Float64Array; cu: Float64Array; cw: Float64Array; t: Float64Array },
): number {
  const { n, m, neq } = ex;
  const { e1, e2, e3, cu, t } = ws;
  const uN = maxAbs(u, n);
  matVec(ex.q, ex.qOff, n, n, u, e1);
  let qN = 0;
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let k = 0; k < n; k++) r += Math.abs(ex.q[ex.qOff + i * n + k]!);
    qN = Math.max(qN, r);
  }
  let scale = maxAbs(g, n) + qN * uN;
  let aT = 0;
  if (m > 0) {
    ex.g.applyTranspose(v, e1, true);
    // |G'|_inf = largest column sum of |G|, and the rows' 1-norms for the complementarity rows.
    ex.g.absSums(e2, cu);
    scale += maxAbs(cu, n) * maxAbs(v, m);
  }
  if (neq > 0) {
    matTVec(ex.a, ex.aOff, neq, n, w, e1, true);
    for (let k = 0; k < n; k++) {
      let c = 0;
      for (let j = 0; j < neq; j++) c += Math.abs(ex.a[ex.aOff + j * n + k]!);
      aT = Math.max(aT, c);
    }
    scale += aT * maxAbs(w, neq);
  }
  let worst = 0;
  for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(e1[i]! - g[i]!));
  let res = scale > 0 ? worst / scale : worst === 0 ? 0 : Infinity;
  // The u-scale of the primal rows: |u|, but at least |g| / |K| (u may vanish, e.g. when the
  // equalities fix z, and its rounding-level remainder must not count as a relative error of 1).
  const kN = qN + (m > 0 ? maxAbs(cu, n) : 0) + (neq > 0 ? aT : 0);
  const uRef = Math.max(uN, kN > 0 ? maxAbs(g, n) / kN : 0);
  if (m > 0) {
    ex.g.apply(u, t);
    for (let k = 0; k < m; k++) {
      const mag = lam[k]! * e2[k]! * uRef + slack[k]! * Math.abs(v[k]!);
      const r = Math.abs(lam[k]! * t[k]! - slack[k]! * v[k]!);
      if (mag > 0) res = Math.max(res, r / mag);
      else if (r > 0) res = Infinity;
    }
  }
  if (neq > 0) {
    matVec(ex.a, ex.aOff, neq, n, u, e3);
    for (let j = 0; j < neq; j++) {
      let rowN = 0;
      for (let k = 0; k < n; k++) rowN += Math.abs(ex.a[ex.aOff + j * n + k]!);
      const mag = rowN * uRef;
      if (mag > 0) res = Math.max(res, Math.abs(e3[j]!) / mag);
      else if (e3[j] !== 0) res = Infinity;
    }
  }
  return Number.isNaN(res) ? Infinity : res;
}
/**
 * Adds one example's gradients (OptNet eq. 8 with dz = -u, D(lam)dlam = -v,
 * dnu = -w) at the given offsets; a separate small function so the JIT
 * optimizes these O(n^2) loops on the first backward call.
 */
function accumulateGradients(
  n: number, m: number, neq: number,
  z: Float64Array, lam: Float64Array, nu: Float64Array, u: Float64Array, v: Float64Array, w: Float64Array,
  dQ: Float64Array, oQ: number, dp: Float64Array, oP: number,
  dG: Float64Array, oG: number, dh: Float64Array, oH: number,
  dA: Float64Array, oA: number, db: Float64Array, oB: number,
): void {
  for (let i = 0; i < n; i++) {
    const ui = u[i]!;
    const zi = z[i]!;
    const r = oQ + i * n;
    for (let j = 0; j < n; j++) dQ[r + j] -= 0.5 * (ui * z[j]! + zi * u[j]!);
  }
  for (let i = 0; i < n; i++) dp[oP + i] -= u[i]!;
  for (let k = 0; k < m; k++) {
    const lk = lam[k]!;
    const vk = v[k]!;
    const r = oG + k * n;
    for (let j = 0; j < n; j++) dG[r + j] -= lk * u[j]! + vk * z[j]!;
    dh[oH + k] += vk;
  }
  for (let k = 0; k < neq; k++) {
    const nk = nu[k]!;
    const wk = w[k]!;
    const r = oA + k * n;
    for (let j = 0; j < n; j++) dA[r + j] -= nk * u[j]! + wk * z[j]!;
    db[oB + k] += wk;
  }
}

/**
 * Iterative refinement of the adjoint KKT solve against the exact system
 *   Q u + G'v + A'w = g,   (G u)_k = (s_k / lam_k) v_k,   A u = 0,
 * preconditioned by the stored factorization whose weights W = lam/s were
 * capped on strongly active rows (see `solveQpExample`). The correction of a
 * residual (e1, e2, e3) solves (Q + G'WG) cu + A'cw = e1 + G'(W e2), A cu = e3,
 * cv = W (G cu - e2); e2 is nonzero only on capped rows.
 */
function refineAdjoint(
  ex: QpExampleData, kkt: ReducedKkt, g: Float64Array, lam: Float64Array, slack: Float64Array,
  u: Float64Array, v: Float64Array, w: Float64Array,
  ws: { e1: Float64Array; e2: Float64Array; e3: Float64Array; cu: Float64Array; cw: Float64Array; t: Float64Array },
): void {
  const { n, m, neq } = ex;
  const { e1, e2, e3, cu, cw, t } = ws;
  let capped = false;
  for (let k = 0; k < m; k++) if (lam[k]! > kkt.w[k]! * slack[k]!) capped = true;
  if (!capped) return;
  let prev = Infinity;
  for (let step = 0; step < 10; step++) {
    matVec(ex.q, ex.qOff, n, n, u, e1);
    ex.g.applyTranspose(v, e1, true);
    if (neq > 0) matTVec(ex.a, ex.aOff, neq, n, w, e1, true);
    for (let i = 0; i < n; i++) e1[i] = g[i]! - e1[i]!;
    ex.g.apply(u, t);
    for (let k = 0; k < m; k++) {
      e2[k] = lam[k]! > kkt.w[k]! * slack[k]! ? -t[k]! + (slack[k]! / lam[k]!) * v[k]! : 0;
    }
    if (neq > 0) {
      matVec(ex.a, ex.aOff, neq, n, u, e3);
      for (let j = 0; j < neq; j++) e3[j] = -e3[j]!;
    }
    const err = Math.max(maxAbs(e1, n), maxAbs(e2, m) * Math.sqrt(kkt.scale), maxAbs(e3, neq));
    if (!(err < 0.5 * prev)) break;
    prev = err;
    for (let k = 0; k < m; k++) t[k] = kkt.w[k]! * e2[k]!;
    ex.g.applyTranspose(t, e1, true);
    kkt.solve(e1, e3, cu, cw);
    ex.g.apply(cu, t);
    for (let i = 0; i < n; i++) u[i] += cu[i]!;
    for (let j = 0; j < neq; j++) w[j] += cw[j]!;
    for (let k = 0; k < m; k++) v[k] += kkt.w[k]! * (t[k]! - e2[k]!);
  }
}
