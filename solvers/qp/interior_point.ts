import { matTVec, matVec, maxAbs } from '../linalg/dense_kernels.js';
import type { SolverStatus } from '../status.js';
import type { ResolvedQpOptions } from './qp_options.js';
import type { QpExampleData } from './qp_example.js';
import { ReducedKkt } from './reduced_kkt.js';
import { kktMerit, polishSolution } from './polish.js';
import { certificateNorms, isInfeasibilityCertificate, isUnboundedDirection, type CertificateNorms } from './certificates.js';
import { boundaryStep, FALLBACK_SIGMA, FALLBACK_STEP_RATIO, maxStep, neighbourhoodStep } from './step_length.js';

/** Where one example's iterate lives (subarrays of the batch outputs). */
export interface QpIterate {
  readonly z: Float64Array;
  readonly lam: Float64Array;
  readonly nu: Float64Array;
  readonly s: Float64Array;
}

/** A Newton direction of the interior point method (steps of z, nu, s, lam). */
interface NewtonDirection {
  readonly dz: Float64Array;
  readonly dnu: Float64Array;
  readonly ds: Float64Array;
  readonly dl: Float64Array;
}

/** How one example's solve ended. */
export interface ExampleOutcome {
  status: SolverStatus;
  iterations: number;
  /**
   * Factorization at the returned point for the backward pass (computed by
   * polishing, or deferred: see `ReducedKkt.deferFactor`), or null when not solved.
   */
  kkt: ReducedKkt | null;
}

/**
 * Solves one QP example, minimize 1/2 z'Qz + p'z s.t. Gz + s = h, s >= 0,
 * Az = b, by the infeasible primal-dual interior point method with Mehrotra's
 * predictor-corrector (Mehrotra 1992; Nocedal & Wright, Alg. 16.4; the
 * CVXOPT/qpth iteration used by OptNet, Amos & Kolter 2017, sec. 3).
 *
 * Each iteration factors the reduced KKT matrix Q + G'WG (W = diag(lam/s))
 * once and solves it twice (affine step, then corrector with centering
 * sigma = (mu_aff/mu)^3). The step keeps the iterate in the neighbourhood
 * min_k s_k lam_k >= 0.01 mu of the central path; when that cuts the
 * corrector's step below half its boundary step, a third solve tries a plain
 * centering direction (see step_length.ts: without this safeguard the
 * iteration can cycle). Stops when the scaled residuals
 *   |Qz + p + G'lam + A'nu|_inf / (1 + |p|_inf),
 *   max(|Gz + s - h|_inf / (1 + |h|_inf), |Az - b|_inf / (1 + |b|_inf)),
 *   max_i s_i lam_i / (1 + |1/2 z'Qz + p'z|)
 * are all <= tol. Every iteration also tests the normalized Farkas
 * certificates (see `resolveQpOptions`); the best iterate is kept and returned
 * when the solve ends without converging.
 */
export function solveQpExample(ex: QpExampleData, kkt: ReducedKkt, o: ResolvedQpOptions, it: QpIterate): ExampleOutcome {
  const { n, m, neq } = ex;
  const { z, lam, nu, s } = it;
  const rx = new Float64Array(n);
  const qz = new Float64Array(n);
  const rs = new Float64Array(m);
  const ry = new Float64Array(neq);
  const main: NewtonDirection = { dz: new Float64Array(n), dnu: new Float64Array(neq), ds: new Float64Array(m), dl: new Float64Array(m) };
  const alt: NewtonDirection = { dz: new Float64Array(n), dnu: new Float64Array(neq), ds: new Float64Array(m), dl: new Float64Array(m) };
  const { dz, dnu, ds, dl } = main;
  const r1 = new Float64Array(n);
  const r2 = new Float64Array(neq);
  const tm = new Float64Array(m);
  const tn = new Float64Array(n);
  const rc = new Float64Array(m);
  const w = new Float64Array(m);
  const ws: RefineWorkspace = {
    ex: new Float64Array(n), ey: new Float64Array(neq), cz: new Float64Array(n), cnu: new Float64Array(neq), tm2: new Float64Array(m),
  };
  const best = { z: new Float64Array(n), lam: new Float64Array(m), nu: new Float64Array(neq), s: new Float64Array(m) };
  const pView = ex.p.subarray(ex.pOff, ex.pOff + n);
  const hView = ex.h.subarray(ex.hOff, ex.hOff + m);
  const bView = ex.b.subarray(ex.bOff, ex.bOff + neq);
  const pN = maxAbs(pView);
  const hN = maxAbs(hView);
  const bN = maxAbs(bView);
  const norms = certificateNorms(ex);
  let bestMerit = Infinity;
  let prevMerit = Infinity;
  let failure: SolverStatus | null = null;
  let iter = 0;
  let stalls = 0;
  let sinceImprovement = 0;
  let certificate: SolverStatus | null = null;
  let converged = false;
  /** The direction of the last step (main: Mehrotra's, or alt: the centering fallback). */
  let step: NewtonDirection = main;

  const factor = (weights: ArrayLike<number>): boolean => {
    const f = kkt.factor(weights);
    if (f === 'ok') return true;
    failure = f === 'nonfinite' ? 'nonfinite' : 'singular';
    return false;
  };

  // Starting point (CVXOPT's coneqp): solve the KKT system with W = I, i.e.
  // minimize 1/2 z'Qz + p'z + 1/2 |Gz - h|^2 s.t. Az = b, then shift s, lam into the interior.
  w.fill(1);
  if (!factor(w)) return finish(0);
  for (let i = 0; i < n; i++) r1[i] = -pView[i]!;
  if (m > 0) ex.g.applyTranspose(hView, r1, true);
  for (let j = 0; j < neq; j++) r2[j] = bView[j]!;
  kkt.solve(r1, r2, z, nu);
  if (m > 0) {
    ex.g.apply(z, s);
    let minS = Infinity;
    let minL = Infinity;
    for (let k = 0; k < m; k++) {
      s[k] = hView[k]! - s[k]!;
      lam[k] = -s[k]!;
      if (s[k]! < minS) minS = s[k]!;
      if (lam[k]! < minL) minL = lam[k]!;
    }
    const shiftS = minS >= 1e-8 ? 0 : 1 - minS;
    const shiftL = minL >= 1e-8 ? 0 : 1 - minL;
    for (let k = 0; k < m; k++) {
      s[k] += shiftS;
      lam[k] += shiftL;
    }
  }

  for (;; iter++) {
    // Residuals at the current point.
    matVec(ex.q, ex.qOff, n, n, z, qz);
    tn.fill(0);
    if (m > 0) {
      ex.g.applyTranspose(lam, tn);
      ex.g.apply(z, rs);
      for (let k = 0; k < m; k++) rs[k] += s[k]! - hView[k]!;
    }
    if (neq > 0) {
      matTVec(ex.a, ex.aOff, neq, n, nu, tn, true);
      matVec(ex.a, ex.aOff, neq, n, z, ry);
      for (let j = 0; j < neq; j++) ry[j] -= bView[j]!;
    }
    for (let i = 0; i < n; i++) rx[i] = qz[i]! + pView[i]! + tn[i]!;
    let gap = 0;
    let compMax = 0;
    for (let k = 0; k < m; k++) {
      const c = s[k]! * lam[k]!;
      gap += c;
      if (c > compMax) compMax = c;
    }
    let obj = 0;
    for (let i = 0; i < n; i++) obj += z[i]! * (0.5 * qz[i]! + pView[i]!);
    // Residuals relative to the magnitudes they are differences of (as OSQP/Clarabel do).
    let gzN = 0;
    for (let k = 0; k < m; k++) gzN = Math.max(gzN, Math.abs(rs[k]! - s[k]! + hView[k]!), Math.abs(s[k]!));
    let azN = 0;
    for (let j = 0; j < neq; j++) azN = Math.max(azN, Math.abs(ry[j]! + bView[j]!));
    const pres = Math.max(maxAbs(rs) / (1 + Math.max(hN, gzN)), maxAbs(ry) / (1 + Math.max(bN, azN)));
    const dres = maxAbs(rx) / (1 + Math.max(pN, maxAbs(qz), maxAbs(tn)));
    const merit = Math.max(pres, dres, compMax / (1 + Math.abs(obj)));
    if (!Number.isFinite(merit)) {
      failure = 'nonfinite';
      break;
    }
    if (merit < 0.5 * bestMerit) sinceImprovement = 0;
    else sinceImprovement++;
    if (merit < bestMerit) {
      bestMerit = merit;
      best.z.set(z);
      best.lam.set(lam);
      best.nu.set(nu);
      best.s.set(s);
    }
    if (merit <= o.tol) {
      converged = true;
      break;
    }
    // A certificate can only appear while the matching residual stays away from zero (infeasible
    // problems keep pres > 0, unbounded ones dres > 0); skipping the tests otherwise keeps them free.
    // Nor while the residuals are falling fast (merit halved since the last iterate): the tests
    // only stop a hopeless run early, and `finish` tests the last iterate anyway.
    const fallingFast = merit < 0.5 * prevMerit;
    prevMerit = merit;
    certificate = !fallingFast && (pres > o.tol || dres > o.tol) ? certificateStatus(ex, it, step, iter > 0, o.tolInfeas, norms, tn, pres > o.tol, dres > o.tol) : null;
    if (certificate) break;
    // Stop on the iteration limit, on blocked steps, or when rounding has stalled progress near a solution.
    if (iter >= o.maxIters || stalls >= 3 || (sinceImprovement >= 4 && bestMerit <= o.tolInaccurate)) break;

    const mu = m > 0 ? gap / m : 0;
    for (let k = 0; k < m; k++) w[k] = lam[k]! / s[k]!;
    if (!factor(w)) {
      // Past the first iterations a failed factorization means W is too extreme to go on; keep the best point.
      if (bestMerit <= o.tolInaccurate) failure = null;
      break;
    }

    // Predictor (affine scaling) step: rc = -s.lam.
    for (let k = 0; k < m; k++) rc[k] = -s[k]! * lam[k]!;
    newtonStep(ex, kkt, rx, rs, ry, rc, s, lam, w, r1, r2, tm, dz, dnu, ds, dl, ws);
    step = main;
    let alpha = 1;
    if (m > 0) {
      const aAff = Math.min(maxStep(s, ds, m), maxStep(lam, dl, m));
      let muAff = 0;
      for (let k = 0; k < m; k++) muAff += (s[k]! + aAff * ds[k]!) * (lam[k]! + aAff * dl[k]!);
      muAff /= m;
      const sigma = Math.min(1, Math.max(0, (muAff / mu) ** 3));
      // Corrector: centering plus Mehrotra's second-order term.
      for (let k = 0; k < m; k++) rc[k] = -s[k]! * lam[k]! + sigma * mu - ds[k]! * dl[k]!;
      newtonStep(ex, kkt, rx, rs, ry, rc, s, lam, w, r1, r2, tm, dz, dnu, ds, dl, ws);
      // Keep the iterate in the neighbourhood N_-inf(gamma) of the central path; when that cuts the
      // Mehrotra step short, try a centering direction without the second-order term (see step_length.ts).
      const alphaMax = boundaryStep(s, ds, lam, dl, m, o.stepFraction);
      alpha = neighbourhoodStep(s, ds, lam, dl, m, alphaMax);
      if (alpha < FALLBACK_STEP_RATIO * alphaMax) {
        const sigmaSafe = Math.max(sigma, FALLBACK_SIGMA);
        for (let k = 0; k < m; k++) rc[k] = -s[k]! * lam[k]! + sigmaSafe * mu;
        newtonStep(ex, kkt, rx, rs, ry, rc, s, lam, w, r1, r2, tm, alt.dz, alt.dnu, alt.ds, alt.dl, ws);
        const alphaSafe = neighbourhoodStep(s, alt.ds, lam, alt.dl, m, boundaryStep(s, alt.ds, lam, alt.dl, m, o.stepFraction));
        if (alphaSafe > alpha) {
          step = alt;
          alpha = alphaSafe;
        }
      }
    }
    for (let i = 0; i < n; i++) z[i] += alpha * step.dz[i]!;
    for (let j = 0; j < neq; j++) nu[j] += alpha * step.dnu[j]!;
    for (let k = 0; k < m; k++) {
      s[k] += alpha * step.ds[k]!;
      lam[k] += alpha * step.dl[k]!;
    }
    stalls = alpha < 1e-10 ? stalls + 1 : 0;
  }
  return finish(iter);

  function finish(iterations: number): ExampleOutcome {
    if (certificate) return { status: certificate, iterations, kkt: null };
    if (!converged) {
      // A diverging iterate (and its last step) carries the certificate, not the best-merit point: test it first.
      const last = failure || bestMerit <= o.tolInaccurate || iterations === 0 ? null : certificateStatus(ex, it, step, true, o.tolInaccurate, norms, tn);
      if (last) return { status: last === 'infeasible' ? 'infeasible_inaccurate' : 'unbounded_inaccurate', iterations, kkt: null };
      z.set(best.z);
      lam.set(best.lam);
      nu.set(best.nu);
      s.set(best.s);
      if (failure) return { status: failure, iterations, kkt: null };
      const loose = certificateStatus(ex, it, null, false, o.tolInaccurate, norms, tn);
      if (bestMerit > o.tolInaccurate && loose) {
        return { status: loose === 'infeasible' ? 'infeasible_inaccurate' : 'unbounded_inaccurate', iterations, kkt: null };
      }
      if (bestMerit > o.tolInaccurate) return { status: 'max_iters', iterations, kkt: null };
    }
    // The backward pass factors at the returned point (OptNet eq. 7 uses W = lam / s there), lazily.
    // W of active rows (lam/s ~ 1e15) is capped at 1e8 curvature-scale / |g_k|^2: beyond that the
    // Cholesky of Q + G'WG loses the curvature left on the active face to rounding, while the
    // cap's O(curvature / cap) bias is removed by refinement against the uncapped system in qpBackward.
    if (m > 0) ex.g.rowNormsSquared(tm);
    for (let k = 0; k < m; k++) tm[k] = (1e8 * kkt.scale) / Math.max(tm[k]!, 1e-300);
    // Polish on the guessed active set (polish.ts); kept, it leaves kkt factored for the exact
    // active-set backward pass and may prove the point optimal.
    if (m > 0 && o.polish) {
      const polished = polishSolution(ex, kkt, it, tm, kktMerit(ex, it));
      if (polished !== null) {
        if (polished <= o.tol) converged = true;
        return { status: converged ? 'optimal' : 'optimal_inaccurate', iterations, kkt };
      }
    }
    // Only a backward pass needs this factorization: record its weights, factor on first use.
    for (let k = 0; k < m; k++) w[k] = Math.min(lam[k]! / s[k]!, tm[k]!);
    kkt.deferFactor(w);
    return { status: converged ? 'optimal' : 'optimal_inaccurate', iterations, kkt };
  }
}

/**
 * One Newton step for complementarity target rc (s.*dlam + lam.*ds = rc):
 *   (Q + G'WG) dz + A'dnu = -rx - G'(W rs + rc ./ s),   A dz = -ry,
 *   ds = -rs - G dz,   dlam = (rc - lam .* ds) ./ s.
 */
function newtonStep(
  ex: QpExampleData, kkt: ReducedKkt,
  rx: Float64Array, rs: Float64Array, ry: Float64Array, rc: Float64Array,
  s: Float64Array, lam: Float64Array, w: Float64Array,
  r1: Float64Array, r2: Float64Array, tm: Float64Array,
  dz: Float64Array, dnu: Float64Array, ds: Float64Array, dl: Float64Array, ws: RefineWorkspace,
): void {
  const { n, m, neq } = ex;
  for (let i = 0; i < n; i++) r1[i] = -rx[i]!;
  if (m > 0) {
    for (let k = 0; k < m; k++) tm[k] = -(w[k]! * rs[k]! + rc[k]! / s[k]!);
    ex.g.applyTranspose(tm, r1, true);
  }
  for (let j = 0; j < neq; j++) r2[j] = -ry[j]!;
  kkt.solve(r1, r2, dz, dnu, 0);
  if (m > 0) {
    ex.g.apply(dz, ds);
    for (let k = 0; k < m; k++) {
      ds[k] = -rs[k]! - ds[k]!;
      dl[k] = (rc[k]! - lam[k]! * ds[k]!) / s[k]!;
    }
  }
  // Iterative refinement on the unreduced Newton system. Its stationarity row
  // Q dz + G'dlam + A'dnu = -rx is well scaled, unlike the reduced matrix
  // Q + G'WG whose W = lam/s spans ~1e-15..1e15 near the solution; the
  // slack and complementarity rows hold exactly by construction of ds, dlam.
  const ex1 = ws.ex;
  const ey = ws.ey;
  const cz = ws.cz;
  const cnu = ws.cnu;
  let prev = Infinity;
  for (let step = 0; step < 1 + Math.max(2, kkt.refinementSteps); step++) {
    matVec(ex.q, ex.qOff, n, n, dz, ex1);
    if (m > 0) ex.g.applyTranspose(dl, ex1, true);
    if (neq > 0) {
      matTVec(ex.a, ex.aOff, neq, n, dnu, ex1, true);
      matVec(ex.a, ex.aOff, neq, n, dz, ey);
      for (let j = 0; j < neq; j++) ey[j] = -ry[j]! - ey[j]!;
    }
    for (let i = 0; i < n; i++) ex1[i] = -rx[i]! - ex1[i]!;
    const err = Math.max(maxAbs(ex1, n), maxAbs(ey, neq));
    if (!(err < 0.5 * prev) || err <= 1e-15 * (1 + maxAbs(rx, n))) break;
    prev = err;
    kkt.solve(ex1, ey, cz, cnu, 0);
    for (let i = 0; i < n; i++) dz[i] += cz[i]!;
    for (let j = 0; j < neq; j++) dnu[j] += cnu[j]!;
    if (m > 0) {
      ex.g.apply(cz, ws.tm2);
      for (let k = 0; k < m; k++) {
        const cds = -ws.tm2[k]!;
        ds[k] += cds;
        dl[k] -= (lam[k]! * cds) / s[k]!;
      }
    }
  }
}

/** Scratch vectors of the refinement in `newtonStep`. */
interface RefineWorkspace {
  readonly ex: Float64Array;
  readonly ey: Float64Array;
  readonly cz: Float64Array;
  readonly cnu: Float64Array;
  readonly tm2: Float64Array;
}

/**
 * The certificate tests on the current point (and on the last step dz when
 * `useStep`): (lam, nu) as a Farkas certificate of primal infeasibility, then
 * z and dz as unbounded rays (see certificates.ts: relative, scale-invariant
 * tests). Either proves the status exactly when it holds exactly (theorems of
 * the alternative); the tolerance bounds how far from exact it may be.
 */
function certificateStatus(
  ex: QpExampleData, it: QpIterate, step: NewtonDirection | null, useStep: boolean, tolInfeas: number,
  norms: CertificateNorms, tn: Float64Array, testInfeasible = true, testUnbounded = true,
): SolverStatus | null {
  if (testInfeasible && isInfeasibilityCertificate(ex, it.lam, it.nu, tolInfeas, norms, tn)) return 'infeasible';
  // As (lam, nu) diverge on an infeasible problem, their steps converge to the Farkas direction
  // faster than the iterate itself (multipliers of the feasible part stay O(1) and spoil it).
  if (testInfeasible && step && useStep && ex.m + ex.neq > 0) {
    const dl = Float64Array.from(step.dl, (v) => Math.max(0, v));
    if (isInfeasibilityCertificate(ex, dl, step.dnu, tolInfeas, norms, tn)) {
      const scale = Math.max(maxAbs(dl, ex.m), maxAbs(step.dnu, ex.neq));
      for (let k = 0; k < ex.m; k++) it.lam[k] = dl[k]! / scale;
      for (let j = 0; j < ex.neq; j++) it.nu[j] = step.dnu[j]! / scale;
      return 'infeasible';
    }
  }
  if (!testUnbounded) return null;
  let ray = isUnboundedDirection(ex, it.z, tolInfeas, norms, tn);
  if (!ray && step && useStep && isUnboundedDirection(ex, step.dz, tolInfeas, norms, tn)) {
    it.z.set(step.dz);
    ray = true;
  }
  if (!ray) return null;
  // z reports the ray itself, normalized to |z|_inf = 1 (so callers can verify it).
  const zN = maxAbs(it.z, ex.n);
  for (let i = 0; i < ex.n; i++) it.z[i] /= zN;
  return 'unbounded';
}
