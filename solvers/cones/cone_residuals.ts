import type { ConeProgram } from '../cone_program.js';
import { cscMatVec, type CscMatrix } from '../sparse/csc.js';
import { coneProjection } from './cone_projection.js';

/**
 * Optimality residuals of a primal-dual point (x, y, s) of
 *   minimize 1/2 x'Px + c'x  s.t.  Ax + s = b,  s in K
 *   (dual: maximize -b'y - 1/2 x'Px  s.t.  Px + A'y + c = 0,  y in K*),
 * evaluated on the given (unscaled) data at the cone-projected point
 * s <- Pi_K(s), y <- Pi_K*(y), so cone membership is exact and any violation
 * shows up in the residuals, row by row:
 *   primal = max_i |(Ax + s - b)_i| / (1 + |b_i| + min((|A||x|)_i, ||b||_inf))
 *   dual   = max_j |(Px + A'y + c)_j| / (1 + |c_j| + min((|P||x| + |A'||y|)_j, ||c||_inf))
 *   gap    = |x'Px + c'x + b'y| / (1 + |pobj| + |dobj| + |x'Px| + sum|c_j x_j| + sum|b_i y_i|)
 * Each row's scale is at most 1 + 2 ||b||_inf (1 + 2 ||c||_inf): the iterate
 * enters only capped by the data's own norm, so a diverging iterate cannot
 * make its residuals look small, and a row with small data is judged on its
 * own scale, not on the largest entry of b (x = 1e10 elsewhere does not
 * excuse y = 2 in a row y <= 1). The term min(|A||x|, ||b||) allows for the
 * cancellation in rows like x1 - x2 = 0 at large x. The gap scale uses the
 * terms of the gap (as SCS's own test does), which stay bounded once the
 * primal and dual residuals are small on these capped scales.
 * Each residual is taken net of the rounding error of evaluating it in
 * float64 (about 450 machine epsilons times the magnitudes summed in that
 * row); no check can be stricter than that. NaN entries give NaN residuals.
 */
export interface ConeResiduals {
  readonly primal: number;
  readonly dual: number;
  readonly gap: number;
  /** Primal objective c'x + 1/2 x'Px. */
  readonly primalObjective: number;
  /** Dual objective -b'y - 1/2 x'Px. */
  readonly dualObjective: number;
  /** The projected slack Pi_K(s). */
  readonly s: Float64Array;
  /** The projected dual Pi_K*(y). */
  readonly y: Float64Array;
}

const ROUNDING = 1e-13;

function normInf(v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]!));
  return m;
}

function absMatVec(a: CscMatrix, x: ArrayLike<number>, transpose: boolean): Float64Array {
  const out = new Float64Array(transpose ? a.cols : a.rows);
  for (let j = 0; j < a.cols; j++) {
    for (let k = a.colPtr[j]!; k < a.colPtr[j + 1]!; k++) {
      const i = a.rowIndex[k]!;
      if (transpose) out[j]! += Math.abs(a.values[k]! * x[i]!);
      else out[i]! += Math.abs(a.values[k]! * x[j]!);
    }
  }
  return out;
}

/** Residuals of (x, y, s) on `program`'s data; every entry of x, y, s must be finite. */
export function coneResiduals(program: ConeProgram, x: Float64Array, y: Float64Array, s: Float64Array): ConeResiduals {
  const { A, b, c, P, cones } = program;
  const m = A.rows;
  const n = A.cols;
  const sP = coneProjection(cones, s);
  const yP = coneProjection(cones, y, { dual: true });
  // One pass over A for Ax, |A||x|, A'y and |A'||y| (the check must stay cheap beside the solve).
  const rp = new Float64Array(m);
  const absAx = new Float64Array(m);
  const rd = new Float64Array(n);
  const absAty = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const xj = x[j]!;
    let dot = 0;
    let dotAbs = 0;
    for (let k = A.colPtr[j]!; k < A.colPtr[j + 1]!; k++) {
      const i = A.rowIndex[k]!;
      const a = A.values[k]!;
      rp[i]! += a * xj;
      absAx[i]! += Math.abs(a * xj);
      dot += a * yP[i]!;
      dotAbs += Math.abs(a * yP[i]!);
    }
    rd[j] = dot;
    absAty[j] = dotAbs;
  }
  for (let i = 0; i < m; i++) rp[i] = rp[i]! + sP[i]! - b[i]!;
  const px = P ? cscMatVec(P, x) : new Float64Array(n);
  for (let j = 0; j < n; j++) rd[j] = rd[j]! + px[j]! + c[j]!;
  let xPx = 0;
  let cx = 0;
  let cxAbs = 0;
  for (let j = 0; j < n; j++) {
    xPx += x[j]! * px[j]!;
    cx += c[j]! * x[j]!;
    cxAbs += Math.abs(c[j]! * x[j]!);
  }
  let by = 0;
  let byAbs = 0;
  for (let i = 0; i < m; i++) {
    by += b[i]! * yP[i]!;
    byAbs += Math.abs(b[i]! * yP[i]!);
  }
  const primalObjective = cx + 0.5 * xPx;
  const dualObjective = -by - 0.5 * xPx;
  const bNorm = normInf(b);
  const cNorm = normInf(c);
  const absPx = P ? absMatVec(P, x, false) : new Float64Array(n);
  // Each residual net of its own float64 rounding allowance, then scaled.
  let primal = 0;
  for (let i = 0; i < m; i++) {
    const excess = Math.abs(rp[i]!) - ROUNDING * (absAx[i]! + Math.abs(sP[i]!) + Math.abs(b[i]!));
    primal = Math.max(primal, excess / (1 + Math.abs(b[i]!) + Math.min(absAx[i]!, bNorm)));
  }
  let dual = 0;
  for (let j = 0; j < n; j++) {
    const excess = Math.abs(rd[j]!) - ROUNDING * (absPx[j]! + absAty[j]! + Math.abs(c[j]!));
    dual = Math.max(dual, excess / (1 + Math.abs(c[j]!) + Math.min(absPx[j]! + absAty[j]!, cNorm)));
  }
  // The terms of the gap, not just the objectives: pobj and dobj may be ~0 by cancellation.
  const gScale = 1 + Math.abs(primalObjective) + Math.abs(dualObjective) + Math.abs(xPx) + cxAbs + byAbs;
  const gapExcess = Math.abs(xPx + cx + by) - ROUNDING * (Math.abs(xPx) + cxAbs + byAbs);
  return {
    primal,
    dual,
    gap: Math.max(0, gapExcess) / gScale,
    primalObjective,
    dualObjective,
    s: sP,
    y: yP,
  };
}

/** True when every residual is at most `tol`; NaN residuals fail. */
export function residualsWithin(r: ConeResiduals, tol: number): boolean {
  return r.primal <= tol && r.dual <= tol && r.gap <= tol;
}
