import type { ConeProgram } from '../cone_program.js';
import { cscFromTriplets, type CscMatrix } from '../sparse/csc.js';

/**
 * A cone program as handed to SCS after two optional, exactly invertible
 * transformations of the user's data:
 * 1. dropping never-active rows: nonnegative rows a_i'x <= b_i whose bound
 *    is astronomically loose (b_i / ||a_i||_inf at least `LOOSE_BOUND_GAP`
 *    times 1 + the largest such ratio among the remaining rows; e.g.
 *    `v <= 1e30` as "no bound"), or empty rows with b_i >= 0. Their dual is
 *    0 and their slack b_i - a_i'x is recomputed, so the full point is
 *    (x, y with 0 on dropped rows, s); whether they really were inactive is
 *    decided by checking that point on the full data.
 * 2. scaling columns: x = D xt with d_j the largest |b_i / a_ij| over the
 *    (kept) single-entry rows of column j, at least 1 — the magnitude the
 *    bounds and fixings of x_j imply (`x0 = 1e10` beside `x1 <= 1`); then
 *    A -> AD, c -> Dc, P -> DPD, and SCS's own row equilibration evens out b.
 * 3. rescaling b by beta and c (with P) by gamma: the program
 *      min 1/2 x'(beta/gamma P)x + (c/gamma)'x  s.t.  Ax + s = b/beta
 *    has solution (x/beta, y/gamma, s/beta), so a huge b with a tiny
 *    solution scale (`x >= 1e10`) becomes an O(1) problem for SCS.
 */
export interface TransformedProgram {
  readonly program: ConeProgram;
  /** Rows of the full program kept, in order (all rows when nothing was dropped). */
  readonly kept: Int32Array;
  readonly dropped: number;
  readonly beta: number;
  readonly gamma: number;
  /** Column scales D (x = D xt), or undefined when columns are not scaled. */
  readonly columnScale: Float64Array | undefined;
  /**
   * True when every row was dropped (or there were none): SCS needs m >= 1, so
   * the program then carries one vacuous row 0'x + s = 1, s >= 0, ignored on restore.
   */
  readonly vacuousRow: boolean;
}

/** A loose bound must exceed the other rows' bound scale by this factor to be dropped. */
export const LOOSE_BOUND_GAP = 1e6;

function rowNorms(A: CscMatrix): Float64Array {
  const out = new Float64Array(A.rows);
  for (let k = 0; k < A.values.length; k++) out[A.rowIndex[k]!] = Math.max(out[A.rowIndex[k]!]!, Math.abs(A.values[k]!));
  return out;
}

/** 0, 1, ..., m - 1 (a plain loop: `Int32Array.from` with a map function is slow on this per-solve path). */
function allRows(m: number): Int32Array {
  const out = new Int32Array(m);
  for (let i = 0; i < m; i++) out[i] = i;
  return out;
}

/** The rows of `p` worth keeping (see `TransformedProgram`); all rows when none qualifies. */
export function keptRows(p: ConeProgram): Int32Array {
  const m = p.A.rows;
  const norms = rowNorms(p.A);
  const ratio = new Float64Array(m);
  const droppable = new Uint8Array(m);
  const lo = p.cones.zero;
  const hi = p.cones.zero + p.cones.nonneg;
  for (let i = 0; i < m; i++) {
    const b = p.b[i]!;
    ratio[i] = norms[i]! > 0 ? Math.abs(b) / norms[i]! : b === 0 ? 0 : Infinity;
    droppable[i] = i >= lo && i < hi && b >= 0 && (b > 0 || norms[i] === 0) ? 1 : 0;
    if (droppable[i] && norms[i] === 0) ratio[i] = Infinity;
  }
  // Fast path (the usual case): a row is cut only if its ratio is at least
  // LOOSE_BOUND_GAP * (1 + the next ratio) >= LOOSE_BOUND_GAP, so with every
  // ratio below that nothing is dropped and the sort below is skipped.
  let anyLoose = false;
  for (let i = 0; i < m && !anyLoose; i++) anyLoose = droppable[i] === 1 && !(ratio[i]! < LOOSE_BOUND_GAP);
  if (!anyLoose) return allRows(m);
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => ratio[b]! - ratio[a]!);
  // Largest prefix of droppable rows (by decreasing ratio) separated from the rest by the gap.
  let cut = 0;
  for (let k = 0; k < m && droppable[order[k]!]; k++) {
    const inside = ratio[order[k]!]!;
    const outside = k + 1 < m ? ratio[order[k + 1]!]! : 0;
    if (inside === Infinity ? outside < Infinity : inside >= LOOSE_BOUND_GAP * (1 + outside)) cut = k + 1;
  }
  if (cut === 0) return allRows(m);
  const drop = new Uint8Array(m);
  for (let k = 0; k < cut; k++) drop[order[k]!] = 1;
  const kept: number[] = [];
  for (let i = 0; i < m; i++) if (!drop[i]) kept.push(i);
  return Int32Array.from(kept);
}

function infNorm(v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]!));
  return m;
}

/** d_j = max(1, max |b_i / a_ij| over the rows i whose only entry is in column j). */
function columnScales(A: CscMatrix, b: Float64Array): Float64Array {
  const count = new Int32Array(A.rows);
  for (let k = 0; k < A.values.length; k++) count[A.rowIndex[k]!]!++;
  const d = new Float64Array(A.cols).fill(1);
  for (let j = 0; j < A.cols; j++) {
    for (let k = A.colPtr[j]!; k < A.colPtr[j + 1]!; k++) {
      const i = A.rowIndex[k]!;
      const a = A.values[k]!;
      if (count[i] === 1 && a !== 0) d[j] = Math.max(d[j]!, Math.abs(b[i]! / a));
    }
  }
  return d;
}

/** Applies row dropping (`presolve`), column scaling (`scaleColumns`) and/or rescaling of b and c (`rescale`) to `p`. */
export function transformProgram(p: ConeProgram, presolve: boolean, rescale: boolean, scaleColumns = false): TransformedProgram {
  const m = p.A.rows;
  const kept = presolve ? keptRows(p) : allRows(m);
  const dropped = m - kept.length;
  let A = p.A;
  let b = p.b;
  let nonneg = p.cones.nonneg;
  if (dropped > 0) {
    const newRow = new Int32Array(m).fill(-1);
    kept.forEach((i, k) => (newRow[i] = k));
    const r: number[] = [];
    const c: number[] = [];
    const v: number[] = [];
    for (let j = 0; j < p.A.cols; j++) {
      for (let k = p.A.colPtr[j]!; k < p.A.colPtr[j + 1]!; k++) {
        const to = newRow[p.A.rowIndex[k]!]!;
        if (to >= 0) {
          r.push(to);
          c.push(j);
          v.push(p.A.values[k]!);
        }
      }
    }
    A = cscFromTriplets(kept.length, p.A.cols, r, c, v);
    b = Float64Array.from(kept, (i) => p.b[i]!);
    nonneg -= dropped; // only nonnegative rows are ever dropped
  }
  let c = p.c;
  let Pd = p.P;
  const columnScale = scaleColumns ? columnScales(A, b) : undefined;
  if (columnScale && columnScale.some((v) => v !== 1)) {
    const d = columnScale;
    const scaleCols = (M: CscMatrix, rowsToo: boolean): CscMatrix => {
      const values = new Float64Array(M.values.length);
      for (let j = 0; j < M.cols; j++) {
        for (let k = M.colPtr[j]!; k < M.colPtr[j + 1]!; k++) values[k] = M.values[k]! * d[j]! * (rowsToo ? d[M.rowIndex[k]!]! : 1);
      }
      return { ...M, values };
    };
    A = scaleCols(A, false);
    c = c.map((v, j) => v * d[j]!);
    if (Pd) Pd = scaleCols(Pd, true);
  }
  const bNorm = infNorm(b);
  const cNorm = infNorm(c);
  const beta = rescale && bNorm > 0 ? bNorm : 1;
  const gamma = rescale && cNorm > 0 ? cNorm : 1;
  if (beta !== 1) b = b.map((v) => v / beta);
  if (gamma !== 1) c = c.map((v) => v / gamma);
  const P = Pd && beta !== gamma ? { ...Pd, values: Pd.values.map((v) => (v * beta) / gamma) } : Pd;
  const vacuousRow = kept.length === 0;
  if (vacuousRow) {
    A = { rows: 1, cols: p.A.cols, colPtr: new Int32Array(p.A.cols + 1), rowIndex: new Int32Array(0), values: new Float64Array(0) };
    b = Float64Array.of(1);
    nonneg = 1;
  }
  const program: ConeProgram = { A, b, c, cones: { ...p.cones, nonneg }, ...(P ? { P } : {}) };
  return { program, kept, dropped, beta, gamma, columnScale, vacuousRow };
}

/** The full program's (x, y, s) from the transformed program's solution (see `TransformedProgram`). */
export function restorePoint(
  full: ConeProgram,
  t: TransformedProgram,
  x: Float64Array,
  y: Float64Array,
  s: Float64Array,
): { x: Float64Array; y: Float64Array; s: Float64Array } {
  const d = t.columnScale;
  const X = x.map((v, j) => v * t.beta * (d ? d[j]! : 1));
  const Y = new Float64Array(full.A.rows);
  const S = new Float64Array(full.A.rows);
  if (t.dropped > 0) {
    // Slack of every row from the restored x; kept rows then take SCS's own slack.
    const ax = new Float64Array(full.A.rows);
    for (let j = 0; j < full.A.cols; j++) {
      for (let k = full.A.colPtr[j]!; k < full.A.colPtr[j + 1]!; k++) ax[full.A.rowIndex[k]!]! += full.A.values[k]! * X[j]!;
    }
    for (let i = 0; i < full.A.rows; i++) S[i] = full.b[i]! - ax[i]!;
  }
  t.kept.forEach((i, k) => {
    Y[i] = y[k]! * t.gamma;
    S[i] = s[k]! * t.beta;
  });
  return { x: X, y: Y, s: S };
}

/** A full-program warm start mapped into the transformed program. */
export function transformWarmStart(
  t: TransformedProgram,
  warm: { x: ArrayLike<number>; y: ArrayLike<number>; s: ArrayLike<number> },
): { x: Float64Array; y: Float64Array; s: Float64Array } {
  const d = t.columnScale;
  const x = Float64Array.from(warm.x, (v, j) => v / t.beta / (d ? d[j]! : 1));
  if (t.vacuousRow) return { x, y: Float64Array.of(0), s: Float64Array.of(1) };
  return {
    x,
    y: Float64Array.from(t.kept, (i) => warm.y[i]! / t.gamma),
    s: Float64Array.from(t.kept, (i) => warm.s[i]! / t.beta),
  };
}
