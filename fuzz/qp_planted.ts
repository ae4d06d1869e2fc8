import type { QpBatch } from '../solvers/qp/qp_types.js';
import { Prng } from './prng.js';

/** What a planted QP is by construction. */
export type PlantedKind = 'solvable' | 'infeasible' | 'unbounded';

/** Problem families of the QP fuzzer (each stresses one way a solver goes wrong). */
export const QP_FAMILIES = [
  'generic', 'lp_vertex', 'rank_one', 'zero_q_degenerate', 'duplicate_rows', 'redundant_eq', 'degenerate_multipliers',
  'scaled', 'huge_bounds', 'infeasible_farkas', 'infeasible_contradictory', 'infeasible_equalities', 'unbounded_ray',
] as const;
export type QpFamily = (typeof QP_FAMILIES)[number];

/** One planted batch: the data and, for solvable ones, each example's optimal value. */
export interface PlantedQp {
  readonly family: QpFamily;
  readonly kind: PlantedKind;
  readonly qp: QpBatch;
  /** Per example, the planted optimal value 1/2 x*'Qx* + p'x* (solvable only). */
  readonly optimum: Float64Array;
  /** Per example, a magnitude the objective error is measured against (|p||x*| + |x*|^2 |Q| + |f*|). */
  readonly objectiveScale: Float64Array;
}

/** One example's data, row-major. */
interface Example {
  n: number; m: number; neq: number;
  Q: Float64Array; p: Float64Array; G: Float64Array; h: Float64Array; A: Float64Array; b: Float64Array;
  f: number; scale: number;
}

const normals = (r: Prng, len: number) => Float64Array.from({ length: len }, () => r.normal());

/** Q = B B' with B n x rank (rank 0: Q = 0). */
function psd(r: Prng, n: number, rank: number, shift = 0): Float64Array {
  const B = normals(r, n * rank);
  const Q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let v = i === j ? shift : 0;
      for (let k = 0; k < rank; k++) v += B[i * rank + k]! * B[j * rank + k]!;
      Q[i * n + j] = v;
    }
  }
  return Q;
}

function matVec(M: Float64Array, rows: number, cols: number, x: Float64Array): Float64Array {
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) y[i] += M[i * cols + j]! * x[j]!;
  return y;
}

function matTVec(M: Float64Array, rows: number, cols: number, x: Float64Array): Float64Array {
  const y = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) y[j] += M[i * cols + j]! * x[i]!;
  return y;
}

/**
 * A solvable example from planted KKT data: x*, an active set with
 * multipliers lam (> 0 on active rows, 0 inactive; `degenerateFraction` of
 * the active rows get lam = 0), nu, then p = -Qx* - G'lam - A'nu,
 * h = Gx* + slack (slack 0 on active rows), b = Ax*. Any KKT point of a
 * convex QP is optimal, so the optimal value is f* = 1/2 x*'Qx* + p'x*.
 */
function plantSolvable(r: Prng, n: number, m: number, neq: number, Q: Float64Array, G: Float64Array, A: Float64Array, activeFraction: number, degenerateFraction: number): Example {
  const x = normals(r, n);
  const lam = new Float64Array(m);
  const slack = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    if (r.chance(activeFraction)) lam[k] = r.chance(degenerateFraction) ? 0 : r.uniform(0.1, 2);
    else slack[k] = r.uniform(0.1, 2);
  }
  const nu = normals(r, neq);
  const qx = matVec(Q, n, n, x);
  const gl = matTVec(G, m, n, lam);
  const an = matTVec(A, neq, n, nu);
  const p = Float64Array.from({ length: n }, (_, i) => -qx[i]! - gl[i]! - an[i]!);
  const gx = matVec(G, m, n, x);
  const h = Float64Array.from({ length: m }, (_, k) => gx[k]! + slack[k]!);
  const b = matVec(A, neq, n, x);
  let f = 0;
  let scale = 0;
  let qN = 0;
  for (let i = 0; i < n; i++) {
    f += x[i]! * (0.5 * qx[i]! + p[i]!);
    scale += Math.abs(p[i]! * x[i]!) + Math.abs(x[i]! * qx[i]!);
    for (let j = 0; j < n; j++) qN += Math.abs(Q[i * n + j]! * x[i]! * x[j]!);
  }
  return { n, m, neq, Q, p, G, h, A, b, f, scale: scale + qN + Math.abs(f) };
}

/**
 * Rescales an example into an equivalent one: variables x = D x' (Q -> DQD,
 * p -> Dp, G -> GD, A -> AD), rows of (G, h) and (A, b) by positive factors,
 * and the cost (Q, p) by c; factors are 10^U(lo, hi). The optimal value
 * scales by c.
 */
function rescale(r: Prng, e: Example, lo: number, hi: number): Example {
  const { n, m, neq } = e;
  const pow = () => 10 ** r.uniform(lo, hi);
  const D = Float64Array.from({ length: n }, pow);
  const R = Float64Array.from({ length: m }, pow);
  const S = Float64Array.from({ length: neq }, pow);
  const c = pow();
  const Q = Float64Array.from(e.Q, (v, k) => c * v * D[Math.floor(k / n)]! * D[k % n]!);
  const p = Float64Array.from(e.p, (v, i) => c * v * D[i]!);
  const G = Float64Array.from(e.G, (v, k) => R[Math.floor(k / n)]! * v * D[k % n]!);
  const h = Float64Array.from(e.h, (v, k) => R[k]! * v);
  const A = Float64Array.from(e.A, (v, k) => S[Math.floor(k / n)]! * v * D[k % n]!);
  const b = Float64Array.from(e.b, (v, j) => S[j]! * v);
  return { ...e, Q, p, G, h, A, b, f: c * e.f, scale: c * e.scale };
}

/** A primal infeasible example: Farkas vector (lam >= 0, nu) with G'lam + A'nu = 0 and h'lam + b'nu = -gap < 0 built in. */
function plantFarkas(r: Prng, n: number, m: number, neq: number): Example {
  const mm = Math.max(m, 2);
  const G = normals(r, mm * n);
  const A = normals(r, neq * n);
  const lam = Float64Array.from({ length: mm }, () => (r.chance(0.3) ? 0 : r.uniform(0.2, 2)));
  lam[mm - 1] = r.uniform(0.5, 2);
  const nu = normals(r, neq);
  // Last row g = -(sum_{k<last} lam_k g_k + A'nu) / lam_last, so G'lam + A'nu = 0.
  const t = matTVec(G.subarray(0, (mm - 1) * n), mm - 1, n, lam.subarray(0, mm - 1));
  const an = matTVec(A, neq, n, nu);
  for (let j = 0; j < n; j++) G[(mm - 1) * n + j] = -(t[j]! + an[j]!) / lam[mm - 1]!;
  const x0 = normals(r, n);
  const gx = matVec(G, mm, n, x0);
  const h = Float64Array.from({ length: mm }, (_, k) => gx[k]! + r.uniform(0, 1));
  const b = matVec(A, neq, n, x0);
  let q = 0;
  for (let k = 0; k < mm; k++) q += h[k]! * lam[k]!;
  for (let j = 0; j < neq; j++) q += b[j]! * nu[j]!;
  // Shift the last bound so that h'lam + b'nu = -gap.
  h[mm - 1] -= (q + r.uniform(0.1, 1)) / lam[mm - 1]!;
  // Strictly convex, so the problem is not also dual infeasible (an unbounded ray would then be a valid certificate too).
  return { n, m: mm, neq, Q: psd(r, n, n, 0.1), p: normals(r, n), G, h, A, b, f: NaN, scale: NaN };
}

/** An unbounded example: a ray d with Qd = 0, Ad = 0, Gd <= 0, p'd < 0 and a feasible point x0. */
function plantRay(r: Prng, n: number, m: number, neq: number): Example {
  const d = normals(r, n);
  const dd = d.reduce((s, v) => s + v * v, 0);
  const project = (row: Float64Array) => {
    const t = row.reduce((s, v, i) => s + v * d[i]!, 0) / dd;
    for (let i = 0; i < n; i++) row[i] -= t * d[i]!;
  };
  // Q = B B' with the columns of B orthogonal to d.
  const rank = r.int(0, n - 1);
  const B = normals(r, n * rank);
  for (let k = 0; k < rank; k++) {
    const col = Float64Array.from({ length: n }, (_, i) => B[i * rank + k]!);
    project(col);
    for (let i = 0; i < n; i++) B[i * rank + k] = col[i]!;
  }
  const Q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < rank; k++) Q[i * n + j] += B[i * rank + k]! * B[j * rank + k]!;
  const A = normals(r, neq * n);
  for (let j = 0; j < neq; j++) project(A.subarray(j * n, (j + 1) * n));
  const G = normals(r, m * n);
  for (let k = 0; k < m; k++) {
    const row = G.subarray(k * n, (k + 1) * n);
    const gd = row.reduce((s, v, i) => s + v * d[i]!, 0);
    // Make g_k d < 0 (exactly 0 is not representable after rounding: a row g with g d = 1e-17 bounds the ray at 1e16).
    const target = -r.uniform(0.1, 1) * Math.sqrt(dd);
    for (let i = 0; i < n; i++) row[i] += ((target - gd) / dd) * d[i]!;
  }
  const p = normals(r, n);
  const pd = p.reduce((s, v, i) => s + v * d[i]!, 0);
  const want = -r.uniform(0.2, 1) * Math.sqrt(dd);
  for (let i = 0; i < n; i++) p[i] += ((want - pd) / dd) * d[i]!;
  const x0 = normals(r, n);
  const gx = matVec(G, m, n, x0);
  const h = Float64Array.from({ length: m }, (_, k) => gx[k]! + r.uniform(0, 1));
  return { n, m, neq, Q, p, G, h, A, b: matVec(A, neq, n, x0), f: NaN, scale: NaN };
}

/** One example of `family` with sizes n, m, neq (adjusted where the family needs it). */
function plantExample(r: Prng, family: QpFamily, n: number, m: number, neq: number): Example {
  switch (family) {
    case 'generic':
      return plantSolvable(r, n, m, neq, psd(r, n, n, 0.1), normals(r, m * n), normals(r, neq * n), 0.4, 0);
    case 'lp_vertex': {
      // Q = 0 with n linearly independent active rows (equalities count): a unique vertex.
      const mm = Math.max(m, n - neq) + 1;
      return plantSolvable(r, n, mm, neq, new Float64Array(n * n), normals(r, mm * n), normals(r, neq * n), 1, 0);
    }
    case 'rank_one':
      return plantSolvable(r, n, m, neq, psd(r, n, 1), normals(r, m * n), normals(r, neq * n), 0.5, 0.2);
    case 'zero_q_degenerate':
      return plantSolvable(r, n, Math.max(m, n + 1), neq, new Float64Array(n * n), normals(r, Math.max(m, n + 1) * n), normals(r, neq * n), 0.6, 0.3);
    case 'duplicate_rows': {
      const G = normals(r, m * n);
      for (let k = 1; k < m; k += 2) G.set(G.subarray((k - 1) * n, k * n), k * n);
      return plantSolvable(r, n, m, neq, psd(r, n, r.int(1, n), 0), G, normals(r, neq * n), 0.5, 0);
    }
    case 'redundant_eq': {
      const base = Math.max(1, neq - 1);
      const A = new Float64Array((base + 1) * n);
      A.set(normals(r, base * n));
      // The last equality is a combination of the others (consistent: b = A x*).
      for (let j = 0; j < base; j++) { const c = r.normal(); for (let i = 0; i < n; i++) A[base * n + i] += c * A[j * n + i]!; }
      return plantSolvable(r, n, m, base + 1, psd(r, n, r.int(0, n), 0), normals(r, m * n), A, 0.4, 0);
    }
    case 'degenerate_multipliers':
      return plantSolvable(r, n, m, neq, psd(r, n, n, 0.01), normals(r, m * n), normals(r, neq * n), 0.7, 0.6);
    case 'scaled':
      return rescale(r, plantSolvable(r, n, m, neq, psd(r, n, r.int(0, n), 0.05), normals(r, m * n), normals(r, neq * n), 0.4, 0.1), -6, 8);
    case 'huge_bounds': {
      // Box rows |x_i| <= 1e30 ("no bound") added to a generic problem.
      const e = plantSolvable(r, n, m, neq, psd(r, n, n, 0.1), normals(r, m * n), normals(r, neq * n), 0.4, 0);
      const G = new Float64Array((m + 2 * n) * n);
      G.set(e.G);
      const h = new Float64Array(m + 2 * n);
      h.set(e.h);
      for (let i = 0; i < n; i++) {
        G[(m + 2 * i) * n + i] = 1;
        G[(m + 2 * i + 1) * n + i] = -1;
        h[m + 2 * i] = h[m + 2 * i + 1] = 1e30;
      }
      return { ...e, m: m + 2 * n, G, h };
    }
    case 'infeasible_farkas':
      return plantFarkas(r, n, m, neq);
    case 'infeasible_contradictory': {
      // Rows a'x <= c and -a'x <= -(c + gap): contradictory, plus random feasible rows.
      const e = plantFarkas(r, n, 0, neq);
      const G = normals(r, (m + 2) * n);
      for (let i = 0; i < n; i++) G[(m + 1) * n + i] = -G[m * n + i]!;
      const x0 = normals(r, n);
      const h = matVec(G, m + 2, n, x0).map((v) => v + r.uniform(0, 1));
      h[m + 1] = -h[m]! - r.uniform(1e-3, 1);
      return { ...e, m: m + 2, G, h, A: new Float64Array(0), b: new Float64Array(0), neq: 0 };
    }
    case 'infeasible_equalities': {
      // Two equalities a'x = c and a'x = c + gap.
      const nq = Math.max(neq, 2);
      const A = normals(r, nq * n);
      A.set(A.subarray(0, n), n);
      const b = normals(r, nq);
      b[1] = b[0]! + r.pick([-1, 1]) * r.uniform(1e-3, 1);
      return { n, m: 0, neq: nq, Q: psd(r, n, n, 0.1), p: normals(r, n), G: new Float64Array(0), h: new Float64Array(0), A, b, f: NaN, scale: NaN };
    }
    case 'unbounded_ray':
      return plantRay(r, n, m, neq);
  }
}

/** Stacks examples of identical sizes into a batch (every argument batched). */
function stack(examples: Example[]): QpBatch {
  const { n, m, neq } = examples[0]!;
  const cat = (key: 'Q' | 'p' | 'G' | 'h' | 'A' | 'b') => {
    const size = examples[0]![key].length;
    const out = new Float64Array(examples.length * size);
    examples.forEach((e, i) => out.set(e[key], i * size));
    return { data: out, batched: true };
  };
  return { batch: examples.length, n, nIneq: m, nEq: neq, Q: cat('Q'), p: cat('p'), G: cat('G'), h: cat('h'), A: cat('A'), b: cat('b') };
}

/** The planted batch of one fuzz case (deterministic in `seed`). */
export function plantedQp(seed: number): PlantedQp {
  const r = new Prng(seed);
  const family = r.pick(QP_FAMILIES);
  const kind: PlantedKind = family.startsWith('infeasible') ? 'infeasible' : family === 'unbounded_ray' ? 'unbounded' : 'solvable';
  const n = r.int(1, 8);
  const m = r.int(0, 10);
  const neq = r.int(0, Math.max(0, Math.min(n - 1, 3)));
  const batch = r.int(1, 3);
  // Same sizes for every example of the batch: redo the draws per example from a child stream.
  const examples = Array.from({ length: batch }, (_, e) => plantExample(new Prng(seed ^ (0x5bd1e995 * (e + 1))), family, n, m, neq));
  return {
    family, kind, qp: stack(examples),
    optimum: Float64Array.from(examples, (e) => e.f),
    objectiveScale: Float64Array.from(examples, (e) => e.scale),
  };
}
