import type { CompiledProblem } from '../compiled_problem.js';
import type { QpArgument, QpBatch, QpGradients } from '../../solvers/qp/qp_types.js';
import type { CscMatrix } from '../../solvers/sparse/csc.js';

function thetaDependent(map: CscMatrix, thetaSize: number): Uint8Array {
  const dep = new Uint8Array(map.rows);
  const end = map.colPtr[Math.min(thetaSize, map.cols)]!;
  for (let k = 0; k < end; k++) dep[map.rowIndex[k]!] = 1;
  return dep;
}

/** Per-slot quantities of the elimination, kept for recovery and the backward pass. */
interface SlotData {
  /** M = D^-1 A[E, K], ne x nk. */
  readonly M: Float64Array;
  /** beta = D^-1 b[E]. */
  readonly beta: Float64Array;
  /** pi .* beta + c[E]. */
  readonly w: Float64Array;
  /** Diagonal of P on the eliminated columns. */
  readonly pi: Float64Array;
  /** c[E]. */
  readonly cE: Float64Array;
}

/**
 * Presolve of the QP route: substitutes out variables that an equality row
 * defines. Canonicalization introduces them for every quadratic term, e.g.
 * 1/2|L z|^2 becomes 1/2|t|^2 with t = L z; solving in (z, t) costs a KKT
 * system twice the size with n extra equalities. A column j qualifies when it
 * has exactly one nonzero in A, in an equality row r, with a coefficient
 * a = A[r, j] that does not depend on the parameters, and P's column j holds
 * at most a diagonal entry pi (which may depend on the parameters, as in
 * lam * sumSquares(x); each batch element then has its own). Then x_E = beta - M x_K with
 * M = D^-1 A[E, K], beta = D^-1 b[E], D = diag(a), and the QP over the kept
 * variables K has
 *   Q' = P[K, K] + M' Pi M,   p' = c[K] - M' (Pi beta + c[E]),
 * the other equalities and all inequalities unchanged (restricted to K).
 * The backward pass is the chain rule through these formulas; the dual of
 * an eliminated row follows from stationarity in x_j: y_r = -(pi x_j + c_j) / a.
 */
export class EqualityElimination {
  /** Kept columns K, eliminated columns E and their defining rows, remaining equality rows. */
  readonly keep: Int32Array;
  readonly elim: Int32Array;
  readonly elimRow: Int32Array;
  readonly keepRows: Int32Array;
  private slots: SlotData[] = [];
  private full: QpBatch | undefined;

  private constructor(elim: ArrayLike<number>, elimRow: ArrayLike<number>, n: number, nEq: number) {
    this.elim = Int32Array.from(elim);
    this.elimRow = Int32Array.from(elimRow);
    const gone = new Set(this.elim);
    const usedRows = new Set(this.elimRow);
    this.keep = Int32Array.from({ length: n }, (_, j) => j).filter((j) => !gone.has(j));
    this.keepRows = Int32Array.from({ length: nEq }, (_, r) => r).filter((r) => !usedRows.has(r));
  }

  /** The elimination for a compiled LP/QP, or undefined when no column qualifies. */
  static plan(compiled: CompiledProblem): EqualityElimination | undefined {
    const { aPattern: a, n } = compiled;
    const nEq = compiled.cones.zero;
    const T = compiled.thetaSize;
    const aDep = thetaDependent(compiled.aMap, T);
    const p = compiled.pPattern;
    const elim: number[] = [];
    const rows: number[] = [];
    const usedRows = new Set<number>();
    for (let j = 0; j < n; j++) {
      const k = a.colPtr[j]!;
      if (a.colPtr[j + 1]! - k !== 1) continue;
      const r = a.rowIndex[k]!;
      if (r >= nEq || aDep[k] || usedRows.has(r)) continue;
      if (p) {
        let ok = true;
        for (let q = p.colPtr[j]!; q < p.colPtr[j + 1]!; q++) {
          // A theta-dependent pi (lam * sumSquares(x)) is fine: each slot reads its own from Q.
          if (p.rowIndex[q]! !== j) ok = false;
        }
        if (!ok) continue;
        // Row j of P must be empty off the diagonal too (P is stored symmetric, so the column check covers it).
      }
      elim.push(j);
      rows.push(r);
      usedRows.add(r);
    }
    return elim.length === 0 ? undefined : new EqualityElimination(elim, rows, n, nEq);
  }

  /**
   * The reduced OptNet batch over the kept variables (see the class comment),
   * and an elimination bound to this batch (for recovery and backward).
   */
  reduce(qp: QpBatch): { reduced: QpBatch; bound: EqualityElimination } {
    const bound = new EqualityElimination(this.elim, this.elimRow, qp.n, qp.nEq);
    return { reduced: bound.reduceBound(qp), bound };
  }

  private reduceBound(qp: QpBatch): QpBatch {
    this.full = qp;
    const { batch: B, n, nEq } = qp;
    const { keep, elim, elimRow, keepRows } = this;
    const nk = keep.length;
    const ne = elim.length;
    const m = qp.nIneq;
    const mBatched = qp.A.batched;
    const slotCount = mBatched || qp.b.batched || qp.p.batched || qp.Q.batched ? B : 1;
    const off = (arg: QpArgument, e: number, size: number) => (arg.batched ? e * size : 0);
    this.slots = [];
    for (let e = 0; e < slotCount; e++) {
      const aO = off(qp.A, e, nEq * n);
      const qO = off(qp.Q, e, n * n);
      const M = new Float64Array(ne * nk);
      const beta = new Float64Array(ne);
      const pi = new Float64Array(ne);
      const cE = new Float64Array(ne);
      const w = new Float64Array(ne);
      for (let i = 0; i < ne; i++) {
        const r = elimRow[i]!;
        const j = elim[i]!;
        const d = qp.A.data[aO + r * n + j]!;
        for (let c = 0; c < nk; c++) M[i * nk + c] = qp.A.data[aO + r * n + keep[c]!]! / d;
        beta[i] = qp.b.data[off(qp.b, e, nEq) + r]! / d;
        pi[i] = qp.Q.data[qO + j * n + j]!;
        cE[i] = qp.p.data[off(qp.p, e, n) + j]!;
        w[i] = pi[i]! * beta[i]! + cE[i]!;
      }
      this.slots.push({ M, beta, pi, cE, w });
    }
    const qBatched = qp.Q.batched || mBatched;
    const Qr = new Float64Array((qBatched ? B : 1) * nk * nk);
    for (let e = 0; e < (qBatched ? B : 1); e++) {
      const { M, pi } = this.slots[Math.min(e, slotCount - 1)]!;
      const qO = off(qp.Q, e, n * n);
      const o = e * nk * nk;
      for (let a = 0; a < nk; a++) for (let b = 0; b < nk; b++) Qr[o + a * nk + b] = qp.Q.data[qO + keep[a]! * n + keep[b]!]!;
      // Q'[a, b] += sum_i pi_i M[i, a] M[i, b] on the upper triangle, one row of Q' at a time (stays in cache), then mirrored.
      for (let a = 0; a < nk; a++) {
        const row = o + a * nk;
        for (let i = 0; i < ne; i++) {
          const v = pi[i]! * M[i * nk + a]!;
          if (v === 0) continue;
          const mi = i * nk;
          for (let b = a; b < nk; b++) Qr[row + b] += v * M[mi + b]!;
        }
      }
      for (let a = 0; a < nk; a++) for (let b = 0; b < a; b++) Qr[o + a * nk + b] = Qr[o + b * nk + a]!;
    }
    const pr = new Float64Array(slotCount * nk);
    for (let e = 0; e < slotCount; e++) {
      const { M, w } = this.slots[e]!;
      const pO = off(qp.p, e, n);
      for (let c = 0; c < nk; c++) pr[e * nk + c] = qp.p.data[pO + keep[c]!]!;
      for (let i = 0; i < ne; i++) for (let c = 0; c < nk; c++) pr[e * nk + c] -= M[i * nk + c]! * w[i]!;
    }
    const select = (arg: QpArgument, rows: ArrayLike<number>, nRows: number): QpArgument => {
      const count = arg.batched ? B : 1;
      const out = new Float64Array(count * rows.length * nk);
      for (let e = 0; e < count; e++) {
        for (let r = 0; r < rows.length; r++) {
          const src = e * nRows * n + rows[r]! * n;
          for (let c = 0; c < nk; c++) out[(e * rows.length + r) * nk + c] = arg.data[src + keep[c]!]!;
        }
      }
      return { data: out, batched: arg.batched };
    };
    const br = new Float64Array((qp.b.batched ? B : 1) * keepRows.length);
    for (let e = 0; e < (qp.b.batched ? B : 1); e++) {
      for (let r = 0; r < keepRows.length; r++) br[e * keepRows.length + r] = qp.b.data[e * nEq + keepRows[r]!]!;
    }
    return {
      batch: B,
      n: nk,
      nEq: keepRows.length,
      nIneq: m,
      Q: { data: Qr, batched: qBatched },
      p: { data: pr, batched: slotCount > 1 },
      A: select(qp.A, keepRows, nEq),
      b: { data: br, batched: qp.b.batched },
      G: select(qp.G, Int32Array.from({ length: m }, (_, i) => i), m),
      h: qp.h,
    };
  }

  private slot(e: number): SlotData {
    return this.slots[Math.min(e, this.slots.length - 1)]!;
  }

  /** Full x of slot e from the reduced solution z_K (x_E = beta - M x_K). */
  expandPrimal(zK: Float64Array, e: number): Float64Array {
    const x = new Float64Array(this.keep.length + this.elim.length);
    const { M, beta } = this.slot(e);
    const nk = this.keep.length;
    this.keep.forEach((j, c) => (x[j] = zK[c]!));
    this.elim.forEach((j, i) => {
      let v = beta[i]!;
      for (let c = 0; c < nk; c++) v -= M[i * nk + c]! * zK[c]!;
      x[j] = v;
    });
    return x;
  }

  /** Full equality multipliers nu (nEq) of slot e: kept rows from the solver, eliminated rows y_r = -(pi x_j + c_j) / a. */
  expandEqualityDual(nuKept: Float64Array, x: Float64Array, e: number): Float64Array {
    const qp = this.full!;
    const nu = new Float64Array(qp.nEq);
    this.keepRows.forEach((r, i) => (nu[r] = nuKept[i]!));
    const { pi, cE } = this.slot(e);
    const aO = qp.A.batched ? e * qp.nEq * qp.n : 0;
    this.elim.forEach((j, i) => {
      const r = this.elimRow[i]!;
      nu[r] = -(pi[i]! * x[j]! + cE[i]!) / qp.A.data[aO + r * qp.n + j]!;
    });
    return nu;
  }

  /** dl/dz_K of the reduced problem for slot e from dl/dx of the full one: dx_K - M' dx_E. */
  reduceCotangent(dx: Float64Array, e: number): Float64Array {
    const nk = this.keep.length;
    const { M } = this.slot(e);
    const g = new Float64Array(nk);
    this.keep.forEach((j, c) => (g[c] = dx[j]!));
    this.elim.forEach((j, i) => {
      const d = dx[j]!;
      if (d !== 0) for (let c = 0; c < nk; c++) g[c] -= M[i * nk + c]! * d;
    });
    return g;
  }

  /**
   * Gradients of the full batch's arguments from the reduced ones. The
   * reduced backward's adjoint step is dz_K = dl/dp' (OptNet: dp = dz);
   * the full problem's adjoint then has dz_E = -M dz_K (its equality rows
   * keep A dz = 0) and, from its stationarity rows for the eliminated
   * columns, dnu_r = -(dl/dx_j + pi dz_j) / a. OptNet's outer-product
   * formulas give the full gradients in O(|E| |K|) per example:
   *   dA[r, :] = dnu_r x' + nu_r dz',  db[r] = -dnu_r,  dp = dz = (dz_K, dz_E),
   * with nu_r = -(pi x_j + c_j) / a, and dQ[j, j] = dz_j x_j (dl/dpi);
   * kept rows and inequalities take the
   * reduced gradients. (Equal to the chain rule through Q' = P_KK + M'Pi M,
   * p' = c_K - M'(Pi beta + c_E), x_E = beta - M x_K.) Only per-example
   * (batched) arguments are filled; shared ones do not depend on the parameters.
   */
  expandGradients(g: QpGradients, xs: readonly Float64Array[], dxs: readonly (Float64Array | null)[]): QpGradients {
    const qp = this.full!;
    const { batch: B, n, nEq, nIneq: m } = qp;
    const { keep, elim, elimRow, keepRows } = this;
    const nk = keep.length;
    const ne = elim.length;
    const per = (arg: QpArgument, size: number) => new Float64Array((arg.batched ? B : 1) * size);
    const dQ = per(qp.Q, n * n);
    const dp = per(qp.p, n);
    const dA = per(qp.A, nEq * n);
    const db = per(qp.b, nEq);
    const dG = per(qp.G, m * n);
    const redQBatched = qp.Q.batched || qp.A.batched;
    const redPBatched = this.slots.length > 1;
    for (let e = 0; e < B; e++) {
      const dx = dxs[e];
      if (!dx) continue;
      const { M, pi, cE } = this.slot(e);
      const dzK = g.dp.subarray(redPBatched ? e * nk : 0, (redPBatched ? e * nk : 0) + nk);
      if (qp.Q.batched) {
        const dQr = g.dQ.subarray(redQBatched ? e * nk * nk : 0);
        for (let a = 0; a < nk; a++) for (let b = 0; b < nk; b++) dQ[e * n * n + keep[a]! * n + keep[b]!] = dQr[a * nk + b]!;
      }
      const x = xs[e]!;
      const aO = qp.A.batched ? e * nEq * n : 0;
      for (let i = 0; i < ne; i++) {
        const j = elim[i]!;
        const r = elimRow[i]!;
        const d = qp.A.data[aO + r * n + j]!;
        let dzE = 0;
        for (let c = 0; c < nk; c++) dzE -= M[i * nk + c]! * dzK[c]!;
        const dnu = -(dx[j]! + pi[i]! * dzE) / d;
        const nu = -(pi[i]! * x[j]! + cE[i]!) / d;
        if (qp.p.batched) dp[e * n + j] = dzE;
        // dQ = 1/2 (dz x' + x dz') on the eliminated diagonal (pi may depend on theta).
        if (qp.Q.batched) dQ[e * n * n + j * n + j] = dzE * x[j]!;
        if (qp.b.batched) db[e * nEq + r] = -dnu;
        if (qp.A.batched) {
          const base = e * nEq * n + r * n;
          for (let c = 0; c < nk; c++) dA[base + keep[c]!] = dnu * x[keep[c]!]! + nu * dzK[c]!;
        }
      }
      if (qp.p.batched) keep.forEach((j, c) => (dp[e * n + j] = dzK[c]!));
    }
    if (qp.A.batched) {
      for (let e = 0; e < B; e++) {
        for (let r = 0; r < keepRows.length; r++) {
          for (let c = 0; c < nk; c++) dA[e * nEq * n + keepRows[r]! * n + keep[c]!] = g.dA[(e * keepRows.length + r) * nk + c]!;
        }
      }
    }
    if (qp.b.batched) {
      for (let e = 0; e < B; e++) for (let r = 0; r < keepRows.length; r++) db[e * nEq + keepRows[r]!] = g.db[e * keepRows.length + r]!;
    }
    if (qp.G.batched) {
      for (let e = 0; e < B; e++) {
        for (let i = 0; i < m; i++) for (let c = 0; c < nk; c++) dG[e * m * n + i * n + keep[c]!] = g.dG[(e * m + i) * nk + c]!;
      }
    }
    return { dQ, dp, dA, db, dG, dh: g.dh };
  }
}
