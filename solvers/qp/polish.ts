import { matTVec, matVec, maxAbs } from '../linalg/dense_kernels.js';
import type { QpExampleData } from './qp_example.js';
import type { ReducedKkt } from './reduced_kkt.js';

/** Where one example's iterate lives (as in interior_point.ts). */
interface Iterate {
  readonly z: Float64Array;
  readonly lam: Float64Array;
  readonly nu: Float64Array;
  readonly s: Float64Array;
}

/** Refinement steps of the polished solve (each O(n^2 + mn); the contraction per step is ~1e-8). */
const POLISH_STEPS = 8;

/**
 * Relative KKT merit of a point, the interior point method's stopping measure:
 * max of |Qz + p + G'lam + A'nu| / (1 + max(|p|, |Qz|, |G'lam + A'nu|)),
 * |Gz + s - h| / (1 + max(|h|, |Gz|, |s|)), |Az - b| / (1 + max(|b|, |Az|)),
 * max_k s_k lam_k / (1 + |1/2 z'Qz + p'z|), and the sign violations
 * (-s)_+, (-lam)_+ (relative to the same scales).
 */
export function kktMerit(ex: QpExampleData, it: Iterate): number {
  const { n, m, neq } = ex;
  const qz = new Float64Array(n);
  matVec(ex.q, ex.qOff, n, n, it.z, qz);
  const t = new Float64Array(n);
  if (m > 0) ex.g.applyTranspose(it.lam, t);
  if (neq > 0) matTVec(ex.a, ex.aOff, neq, n, it.nu, t, true);
  const p = ex.p.subarray(ex.pOff, ex.pOff + n);
  let dres = 0;
  for (let i = 0; i < n; i++) dres = Math.max(dres, Math.abs(qz[i]! + p[i]! + t[i]!));
  dres /= 1 + Math.max(maxAbs(p, n), maxAbs(qz, n), maxAbs(t, n));
  let obj = 0;
  for (let i = 0; i < n; i++) obj += it.z[i]! * (0.5 * qz[i]! + p[i]!);
  let pres = 0;
  let comp = 0;
  if (m > 0) {
    const gz = new Float64Array(m);
    ex.g.apply(it.z, gz);
    const h = ex.h.subarray(ex.hOff, ex.hOff + m);
    const scale = 1 + Math.max(maxAbs(h, m), maxAbs(gz, m), maxAbs(it.s, m));
    for (let k = 0; k < m; k++) {
      pres = Math.max(pres, Math.abs(gz[k]! + it.s[k]! - h[k]!) / scale, -it.s[k]! / scale);
      comp = Math.max(comp, it.s[k]! * it.lam[k]!, -it.lam[k]!);
    }
  }
  if (neq > 0) {
    const az = new Float64Array(neq);
    matVec(ex.a, ex.aOff, neq, n, it.z, az);
    const b = ex.b.subarray(ex.bOff, ex.bOff + neq);
    const scale = 1 + Math.max(maxAbs(b, neq), maxAbs(az, neq));
    for (let j = 0; j < neq; j++) pres = Math.max(pres, Math.abs(az[j]! - b[j]!) / scale);
  }
  const merit = Math.max(dres, pres, comp / (1 + Math.abs(obj)));
  return Number.isNaN(merit) ? Infinity : merit;
}

/**
 * Solution polishing (as OSQP's, Stellato et al. 2020, sec. 4.3): guesses the
 * active set from the interior point solution (row k active when
 * lam_k > s_k), then solves the equality-constrained KKT system on it exactly,
 *   Q z + G_A' y + A' nu = -p,   G_A z = h_A,   A z = b,
 * by iterative refinement preconditioned with the reduced KKT matrix factored
 * at the polishing weights W_A = `cap` (active), W_I = 0 (inactive): the
 * correction of a residual (r1, r2, r3) solves
 *   (Q + G_A' W_A G_A) cz + A' cnu = r1 + G_A' W_A r2,  A cz = r3,
 *   cy = W_A (G_A cz - r2),
 * whose error contracts by about curvature / cap per step. The polished point
 * (z, lam = (y, 0), s = (0, h_I - G_I z), nu) is kept only when it is primal
 * feasible (s_I >= 0), dual feasible (y >= 0) and its KKT merit is at most
 * `currentMerit`; `kkt` is then left factored at the polishing weights,
 * which is the factorization of the exact active-set backward pass. Returns
 * the polished merit when kept, else null (the caller refactors for the
 * unpolished point).
 */
export function polishSolution(ex: QpExampleData, kkt: ReducedKkt, it: Iterate, cap: Float64Array, currentMerit: number): number | null {
  const m = ex.m;
  const active = new Uint8Array(m);
  for (let k = 0; k < m; k++) active[k] = it.lam[k]! > it.s[k]! ? 1 : 0;
  // A guess that is wrong on a few rows (both lam_k and s_k small) shows it: a negative multiplier
  // (drop the row) or a negative slack (add it). Such rows are flipped and the solve retried.
  for (let attempt = 0; attempt < POLISH_ATTEMPTS; attempt++) {
    const out = polishOnActiveSet(ex, kkt, it, cap, active);
    if (out === null) return null;
    if (out.flips === 0) {
      const merit = kktMerit(ex, out);
      if (!(merit <= currentMerit)) return null;
      it.z.set(out.z);
      it.lam.set(out.lam);
      it.nu.set(out.nu);
      it.s.set(out.s);
      return merit;
    }
  }
  return null;
}

/** Active-set guesses tried by `polishSolution` (each costs one factorization). */
const POLISH_ATTEMPTS = 3;

/**
 * The polished point on one active set (see `polishSolution`), or null when
 * the factorization fails. `flips` counts rows whose sign test failed; those
 * are flipped in `active` for the next attempt.
 */
function polishOnActiveSet(
  ex: QpExampleData, kkt: ReducedKkt, it: Iterate, cap: Float64Array, active: Uint8Array,
): (Iterate & { flips: number }) | null {
  const { n, m, neq } = ex;
  const w = new Float64Array(m);
  for (let k = 0; k < m; k++) if (active[k]) w[k] = cap[k]!;
  if (kkt.factor(w) !== 'ok') return null;
  const z = it.z.slice();
  const nu = it.nu.slice();
  const y = Float64Array.from(it.lam, (v, k) => (active[k] ? v : 0));
  const p = ex.p.subarray(ex.pOff, ex.pOff + n);
  const r1 = new Float64Array(n);
  const r2 = new Float64Array(m);
  const r3 = new Float64Array(neq);
  const gz = new Float64Array(m);
  const cz = new Float64Array(n);
  const cnu = new Float64Array(neq);
  const t = new Float64Array(m);
  const rhsScale = Math.max(maxAbs(p, n), maxAbs(ex.h.subarray(ex.hOff, ex.hOff + m), m), maxAbs(ex.b.subarray(ex.bOff, ex.bOff + neq), neq), 1e-300);
  let prevRes = Infinity;
  for (let step = 0; step < POLISH_STEPS; step++) {
    matVec(ex.q, ex.qOff, n, n, z, r1);
    if (m > 0) ex.g.applyTranspose(y, r1, true);
    if (neq > 0) matTVec(ex.a, ex.aOff, neq, n, nu, r1, true);
    for (let i = 0; i < n; i++) r1[i] = -p[i]! - r1[i]!;
    if (m > 0) {
      ex.g.apply(z, gz);
      for (let k = 0; k < m; k++) r2[k] = active[k] ? ex.h[ex.hOff + k]! - gz[k]! : 0;
    }
    if (neq > 0) {
      matVec(ex.a, ex.aOff, neq, n, z, r3);
      for (let j = 0; j < neq; j++) r3[j] = ex.b[ex.bOff + j]! - r3[j]!;
    }
    // Converged to rounding (relative to the right-hand side's scale): stop early.
    const res = Math.max(maxAbs(r1, n), maxAbs(r2, m), maxAbs(r3, neq));
    if (!(res > 1e-15 * rhsScale) || !(res < 0.5 * prevRes)) break;
    prevRes = res;
    for (let k = 0; k < m; k++) t[k] = w[k]! * r2[k]!;
    const rhs = r1.slice();
    if (m > 0) ex.g.applyTranspose(t, rhs, true);
    kkt.solve(rhs, r3, cz, cnu, 2);
    for (let i = 0; i < n; i++) z[i] += cz[i]!;
    for (let j = 0; j < neq; j++) nu[j] += cnu[j]!;
    if (m > 0) {
      ex.g.apply(cz, t);
      for (let k = 0; k < m; k++) if (active[k]) y[k] += w[k]! * (t[k]! - r2[k]!);
    }
  }
  // Feasibility of the polished point: multipliers >= 0, inactive slacks >= 0 (active ones are 0).
  const s = new Float64Array(m);
  if (m > 0) ex.g.apply(z, gz);
  let flips = 0;
  for (let k = 0; k < m; k++) {
    if (active[k]) {
      if (!(y[k]! >= 0)) {
        active[k] = 0;
        flips++;
      }
    } else {
      s[k] = ex.h[ex.hOff + k]! - gz[k]!;
      if (!(s[k]! >= 0)) {
        active[k] = 1;
        flips++;
      }
    }
  }
  if (flips > 0) {
    for (let k = 0; k < m; k++) if (!active[k]) y[k] = 0;
  }
  return { z, lam: y, nu, s, flips };
}
