import type { ConeProgram } from '../cone_program.js';
import { coneProjection } from '../cones/cone_projection.js';
import { cscFromTriplets, cscMatVec, cscTransposeMatVec } from '../sparse/csc.js';
import type { ResolvedScsOptions } from './scs_options.js';
import { runScsRaw, type RawCone } from './scs_raw.js';

function infNorm(v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]!));
  return m;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * Scale-invariant measure of a primal infeasibility certificate y of
 * `Ax + s = b, s in K` (Farkas: y in K*, A'y = 0, b'y < 0), on the given
 * unscaled data, at y <- Pi_K*(y):
 *   ||A'y||_inf ||b||_inf / ((-b'y) max|A_ij|)       (Infinity unless b'y < 0).
 * Why: any x with b - Ax in K satisfies 0 <= y'(b - Ax) = b'y - (A'y)'x, so
 * no feasible x has ||x||_1 < -b'y / ||A'y||_inf; the measure is the data's
 * own coordinate scale ||b|| / max|A| divided by that radius. It is invariant
 * under scaling y, A or b, so a huge bound (`x >= 1e10`, measure 1) cannot
 * pass for a certificate. `verifyInfeasibility(p, y) <= tol` verifies it.
 */
export function verifyInfeasibility(p: ConeProgram, y: Float64Array): number {
  const yP = coneProjection(p.cones, y, { dual: true });
  const by = dot(p.b, yP);
  if (!(by < 0)) return Infinity;
  const aty = cscTransposeMatVec(p.A, yP);
  const aMax = infNorm(p.A.values) || 1;
  return (infNorm(aty) * infNorm(p.b)) / (-by * aMax);
}

/**
 * Scale-invariant measure of a dual infeasibility (unboundedness) certificate
 * d of `minimize 1/2 x'Px + c'x s.t. Ax + s = b, s in K` (Ad in -K, Pd = 0,
 * c'd < 0), on the unscaled data, with delta = Ad + Pi_K(-Ad):
 *   max(||delta||_inf / max|A_ij|, ||Pd||_inf / max|P_ij|) ||c||_inf / (-c'd)
 * (Infinity unless c'd < 0): the mirror image of `verifyInfeasibility` (any
 * dual feasible y has 0 <= y'(delta - Ad) so ||y||_1 >= -c'd / ||delta||).
 */
export function verifyUnboundedness(p: ConeProgram, d: Float64Array): number {
  const cd = dot(p.c, d);
  if (!(cd < 0)) return Infinity;
  const ad = cscMatVec(p.A, d);
  const neg = ad.map((v) => -v);
  const proj = coneProjection(p.cones, neg);
  for (let i = 0; i < ad.length; i++) ad[i] = ad[i]! + proj[i]!;
  let worst = infNorm(ad) / (infNorm(p.A.values) || 1);
  if (p.P && p.P.values.length > 0) worst = Math.max(worst, infNorm(cscMatVec(p.P, d)) / (infNorm(p.P.values) || 1));
  return (worst * infNorm(p.c)) / -cd;
}

/**
 * Settings of a certificate search: tolerances min(user's, 1e-8), and at most
 * `CERTIFICATE_SEARCH_ITERS` iterations (the search is a small auxiliary
 * program; a failed search only means no certificate is reported).
 */
function searchSettings(opts: ResolvedScsOptions): { epsAbs: number; epsRel: number; maxIters: number } {
  return { epsAbs: Math.min(opts.epsAbs, 1e-8), epsRel: Math.min(opts.epsRel, 1e-8), maxIters: Math.min(opts.maxIters, CERTIFICATE_SEARCH_ITERS) };
}

/** Iteration cap of one certificate search. */
export const CERTIFICATE_SEARCH_ITERS = 20_000;

/**
 * Looks for a Farkas certificate of `p` by solving with SCS
 *   minimize b'y  s.t.  A'y = 0,  -1 <= y <= 1,  y in K*
 * (K* of the zero cone is free, SOC and R+ are self-dual, the exponential
 * cone's dual is SCS's 'ed', a power cone's is its negated parameter).
 * Returns the minimizer when SCS returned a point (to be checked with
 * `verifyInfeasibility` on the full data), else undefined.
 */
export function searchInfeasibilityCertificate(p: ConeProgram, opts: ResolvedScsOptions): { y: Float64Array; iterations: number } | undefined {
  const { A, b, cones } = p;
  const m = A.rows;
  const n = A.cols;
  const rows: number[] = [];
  const cols: number[] = [];
  const vals: number[] = [];
  const push = (r: number, c: number, v: number): void => {
    rows.push(r);
    cols.push(c);
    vals.push(v);
  };
  // Zero rows: (A'y)_j = 0.
  for (let j = 0; j < n; j++) for (let k = A.colPtr[j]!; k < A.colPtr[j + 1]!; k++) push(j, A.rowIndex[k]!, A.values[k]!);
  let r = n;
  const rhs: number[] = new Array<number>(n).fill(0);
  // Nonnegative rows: the box, then y in R+ on the nonnegative block.
  for (let i = 0; i < m; i++) {
    push(r++, i, 1);
    push(r++, i, -1);
    rhs.push(1, 1);
  }
  for (let i = cones.zero; i < m; i++) {
    push(r++, i, -1);
    rhs.push(0);
  }
  const cone: RawCone = {
    z: n,
    l: 2 * m + cones.nonneg,
    q: cones.soc,
    ep: 0,
    ed: cones.exp,
    p: cones.power.map((a) => -a),
  };
  const aux = { A: cscFromTriplets(r, m, rows, cols, vals), b: Float64Array.from(rhs), c: b };
  const out = runScsRaw(aux, cone, opts, searchSettings(opts));
  return out.x ? { y: out.x, iterations: out.info.iter } : undefined;
}

/**
 * Looks for an unboundedness certificate of `p` by solving with SCS
 *   minimize c'd  s.t.  Ad + s = 0, s in K,  Pd = 0,  -1 <= d <= 1.
 * Returns the minimizer when SCS returned a point (to be checked with
 * `verifyUnboundedness` on the full data), else undefined.
 */
export function searchUnboundednessCertificate(p: ConeProgram, opts: ResolvedScsOptions): { d: Float64Array; iterations: number } | undefined {
  const { A, c, P, cones } = p;
  const m = A.rows;
  const n = A.cols;
  const hasP = P !== undefined && P.values.length > 0;
  const extraZero = hasP ? n : 0;
  const nz = cones.zero;
  const nl = cones.nonneg;
  // Row map: A's zero rows, then P's rows, then A's nonneg rows, then the box, then A's conic rows.
  const target = (i: number): number => (i < nz ? i : i < nz + nl ? i + extraZero : i + extraZero + 2 * n);
  const rows: number[] = [];
  const cols: number[] = [];
  const vals: number[] = [];
  for (let j = 0; j < n; j++) {
    for (let k = A.colPtr[j]!; k < A.colPtr[j + 1]!; k++) {
      rows.push(target(A.rowIndex[k]!));
      cols.push(j);
      vals.push(A.values[k]!);
    }
    if (hasP) {
      for (let k = P.colPtr[j]!; k < P.colPtr[j + 1]!; k++) {
        rows.push(nz + P.rowIndex[k]!);
        cols.push(j);
        vals.push(P.values[k]!);
      }
    }
  }
  const rhs = new Float64Array(m + extraZero + 2 * n);
  const boxStart = nz + extraZero + nl;
  for (let j = 0; j < n; j++) {
    rows.push(boxStart + 2 * j, boxStart + 2 * j + 1);
    cols.push(j, j);
    vals.push(1, -1);
    rhs[boxStart + 2 * j] = 1;
    rhs[boxStart + 2 * j + 1] = 1;
  }
  const cone: RawCone = { z: nz + extraZero, l: nl + 2 * n, q: cones.soc, ep: cones.exp, ed: 0, p: cones.power };
  const aux = { A: cscFromTriplets(rhs.length, n, rows, cols, vals), b: rhs, c };
  const out = runScsRaw(aux, cone, opts, searchSettings(opts));
  return out.x ? { d: out.x, iterations: out.info.iter } : undefined;
}
