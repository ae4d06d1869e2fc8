import { matTVec, matVec, maxAbs } from '../linalg/dense_kernels.js';
import { INFINITE_BOUND } from './infinite_bounds.js';
import type { QpExampleData } from './qp_example.js';

/**
 * Relative size of right-hand-side rounding: a Farkas gap h'lam + b'nu no
 * larger than this times rhsScale (|lam|_1 + |nu|_1) is rounding of the data
 * (e.g. DSL constants folded into b), not evidence of infeasibility.
 */
const RHS_ROUNDING = 1e3 * Number.EPSILON;

/**
 * Norms of one example's data that make the certificate tests relative:
 * |Q|_inf (largest row 1-norm), the 1-norms of the rows of G and A, |p|_1.
 * Computed once per example (O(n^2 + (m + neq) n), below one factorization).
 */
export interface CertificateNorms {
  readonly qInf: number;
  readonly gRow: Float64Array;
  readonly aRow: Float64Array;
  readonly pOne: number;
  /** Largest finite |h_k| (below `INFINITE_BOUND`) and |b_j|: the scale of right-hand-side rounding. */
  readonly rhsScale: number;
  /** Scratch: |G|'|lam| + |A|'|nu| (n) and G d (m), A d (neq). */
  readonly magnitude: Float64Array;
  readonly gd: Float64Array;
  readonly ad: Float64Array;
  /** Scratch: (|G||d|)_k (m). */
  readonly gRowMag: Float64Array;
}

/** The norms of `ex` used by `isInfeasibilityCertificate` and `isUnboundedDirection`. */
export function certificateNorms(ex: QpExampleData): CertificateNorms {
  const { n, m, neq } = ex;
  let qInf = 0;
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let j = 0; j < n; j++) r += Math.abs(ex.q[ex.qOff + i * n + j]!);
    qInf = Math.max(qInf, r);
  }
  const gRow = new Float64Array(m);
  const colScratch = new Float64Array(n);
  if (m > 0) ex.g.absSums(gRow, colScratch);
  const aRow = new Float64Array(neq);
  for (let j = 0; j < neq; j++) {
    let r = 0;
    for (let k = 0; k < n; k++) r += Math.abs(ex.a[ex.aOff + j * n + k]!);
    aRow[j] = r;
  }
  let pOne = 0;
  for (let i = 0; i < n; i++) pOne += Math.abs(ex.p[ex.pOff + i]!);
  let rhsScale = 0;
  for (let k = 0; k < m; k++) {
    const v = Math.abs(ex.h[ex.hOff + k]!);
    if (v < INFINITE_BOUND) rhsScale = Math.max(rhsScale, v);
  }
  for (let j = 0; j < neq; j++) rhsScale = Math.max(rhsScale, Math.abs(ex.b[ex.bOff + j]!));
  return { qInf, gRow, aRow, pOne, rhsScale, magnitude: new Float64Array(n), gd: new Float64Array(m), ad: new Float64Array(neq), gRowMag: new Float64Array(m) };
}

/**
 * Whether (lam, nu) is a primal infeasibility (Farkas) certificate of
 *   G z <= h,  A z = b     (theorem of the alternative: no z exists iff
 *   lam >= 0, G'lam + A'nu = 0, h'lam + b'nu < 0 for some lam, nu),
 * to relative tolerance tol, invariant to scaling rows, columns and the cost:
 *   |G'lam + A'nu|_j <= tol (|G|'|lam| + |A|'|nu|)_j for every j (the combination cancels),
 *   h'lam + b'nu <= -tol (|h|'|lam| + |b|'|nu|)             (and is clearly negative),
 *   h'lam + b'nu < -1e3 eps max(|h|_inf, |b|_inf) (|lam|_1 + |nu|_1)   (above rounding of the data);
 * right-hand sides of all-zero rows below tol (1 + max(|h|_inf, |b|_inf)) count as 0.
 * Negative entries of lam are clipped to 0 first (an interior iterate has lam > 0).
 * `tn` is n scratch.
 */
export function isInfeasibilityCertificate(
  ex: QpExampleData, lam: Float64Array, nu: Float64Array, tol: number, norms: CertificateNorms, tn: Float64Array,
): boolean {
  const { n, m, neq } = ex;
  if (m + neq === 0) return false;
  let qv = 0;
  let qMag = 0;
  let weight = 0;
  // A row without coefficients (G'e_k = 0 exactly) passes the cancellation test for free, so
  // its right-hand side alone would decide: below `zeroRowNoise`'s level it counts as 0.
  const noise = tol * (1 + norms.rhsScale);
  for (let k = 0; k < m; k++) {
    const l = Math.max(0, lam[k]!);
    let h = ex.h[ex.hOff + k]!;
    if (norms.gRow[k] === 0 && Math.abs(h) <= noise) h = 0;
    qv += h * l;
    qMag += Math.abs(h) * l;
    weight += l;
  }
  for (let j = 0; j < neq; j++) {
    let b = ex.b[ex.bOff + j]!;
    if (norms.aRow[j] === 0 && Math.abs(b) <= noise) b = 0;
    qv += b * nu[j]!;
    qMag += Math.abs(b) * Math.abs(nu[j]!);
    weight += Math.abs(nu[j]!);
  }
  if (!(qv < 0) || -qv < tol * qMag || -qv <= RHS_ROUNDING * norms.rhsScale * weight) return false;
  tn.fill(0);
  const mag = norms.magnitude;
  mag.fill(0);
  let clipped = false;
  for (let k = 0; k < m; k++) if (lam[k]! < 0) clipped = true;
  const lp = clipped ? Float64Array.from(lam, (v) => Math.max(0, v)) : lam;
  if (m > 0) {
    ex.g.applyTranspose(lp, tn);
    ex.g.applyAbsTransposeAccumulate(lp, mag);
  }
  if (neq > 0) {
    matTVec(ex.a, ex.aOff, neq, n, nu, tn, true);
    for (let j = 0; j < neq; j++) {
      const a = Math.abs(nu[j]!);
      if (a === 0) continue;
      for (let k = 0; k < n; k++) mag[k] += Math.abs(ex.a[ex.aOff + j * n + k]!) * a;
    }
  }
  // Componentwise: each column's combination must cancel relative to its own terms, so the test
  // does not depend on how the variables are scaled.
  for (let j = 0; j < n; j++) if (!(Math.abs(tn[j]!) <= tol * mag[j]!)) return false;
  return true;
}

/**
 * Whether d is a dual infeasibility (unboundedness) certificate: a ray along
 * which the objective decreases without bound,
 *   Q d = 0,  A d = 0,  G d <= 0,  p'd < 0,
 * to relative tolerance tol (invariant to row, column and cost scaling):
 *   |(Q d)_i| <= tol (|Q||d|)_i,   (G d)_k <= tol (|G||d|)_k,
 *   |(A d)_j| <= tol (|A||d|)_j,   p'd <= -tol |p|'|d|
 * (componentwise, so independent of how variables and rows are scaled).
 * Q d is formed one row at a time and the test stops at the first row over
 * its bound: for a curved objective that is the first row, so it costs O(n).
 * `tn` is n scratch.
 */
export function isUnboundedDirection(ex: QpExampleData, d: Float64Array, tol: number, norms: CertificateNorms, tn: Float64Array): boolean {
  const { n, m, neq } = ex;
  const dN = maxAbs(d, n);
  if (!(dN > 0) || !Number.isFinite(dN)) return false;
  let pd = 0;
  let pMag = 0;
  for (let i = 0; i < n; i++) {
    const t = ex.p[ex.pOff + i]! * d[i]!;
    pd += t;
    pMag += Math.abs(t);
  }
  if (!(pd < 0) || -pd < tol * pMag) return false;
  if (norms.qInf > 0 && qRowExceeds(ex, d, tol, tn)) return false;
  if (m > 0) {
    ex.g.apply(d, norms.gd);
    const mag = norms.magnitude;
    // |G||d| row by row through |G|' is not available; use the rows' entries directly.
    absRowProducts(ex, d, mag, norms);
    for (let k = 0; k < m; k++) if (!(norms.gd[k]! <= tol * norms.gRowMag[k]!)) return false;
  }
  if (neq > 0) {
    matVec(ex.a, ex.aOff, neq, n, d, norms.ad);
    for (let j = 0; j < neq; j++) {
      let mag = 0;
      for (let k = 0; k < n; k++) mag += Math.abs(ex.a[ex.aOff + j * n + k]! * d[k]!);
      if (!(Math.abs(norms.ad[j]!) <= tol * mag)) return false;
    }
  }
  return true;
}

/** norms.gRowMag[k] = (|G||d|)_k. */
function absRowProducts(ex: QpExampleData, d: Float64Array, absD: Float64Array, norms: CertificateNorms): void {
  for (let i = 0; i < ex.n; i++) absD[i] = Math.abs(d[i]!);
  ex.g.applyAbs(absD, norms.gRowMag);
}

/**
 * Whether some |(Q d)_i| > tol (|Q||d|)_i, computing Q d one row at a time
 * (into `tn`) and stopping at the first row over its bound.
 */
function qRowExceeds(ex: QpExampleData, d: Float64Array, tol: number, tn: Float64Array): boolean {
  const { n, q } = ex;
  for (let i = 0; i < n; i++) {
    const r = ex.qOff + i * n;
    let s = 0;
    let mag = 0;
    for (let k = 0; k < n; k++) {
      const t = q[r + k]! * d[k]!;
      s += t;
      mag += Math.abs(t);
    }
    tn[i] = s;
    if (!(Math.abs(s) <= tol * mag)) return true;
  }
  return false;
}
