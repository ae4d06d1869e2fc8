import { INFINITE_BOUND } from './infinite_bounds.js';
import type { QpArgument, QpBackwardResult, QpBatch, QpResult } from './qp_types.js';

/** A batch with its all-zero constraint rows removed, and what each example's zero rows say. */
export interface ZeroRows {
  readonly reduced: QpBatch;
  /** Full indices of the kept / dropped rows of G and of A. */
  readonly keptIneq: Int32Array;
  readonly zeroIneq: Int32Array;
  readonly keptEq: Int32Array;
  readonly zeroEq: Int32Array;
  /**
   * Per example, the zero row that contradicts itself (0 <= h_k with h_k
   * clearly negative, or 0 = b_j with b_j clearly nonzero), or null.
   */
  readonly contradiction: readonly ({ readonly kind: 'ineq' | 'eq'; readonly row: number; readonly rhs: number } | null)[];
}

/**
 * The size below which the right-hand side of an all-zero row is rounding
 * noise: tol (1 + the largest finite |h_k|, |b_j| of the example). A zero row
 * "0 = 1e-17" is what `p + c == d` leaves after the DSL folds constants; it
 * holds to rounding, and reading it as a contradiction gives a false
 * certificate (the row alone would be a Farkas vector: A'nu = 0 exactly).
 */
export function zeroRowNoise(qp: QpBatch, e: number, tol: number): number {
  const { nIneq: m, nEq: neq } = qp;
  let scale = 0;
  const hOff = qp.h.batched ? e * m : 0;
  for (let k = 0; k < m; k++) {
    const v = Math.abs(qp.h.data[hOff + k]!);
    if (v < INFINITE_BOUND) scale = Math.max(scale, v);
  }
  const bOff = qp.b.batched ? e * neq : 0;
  for (let j = 0; j < neq; j++) scale = Math.max(scale, Math.abs(qp.b.data[bOff + j]!));
  return tol * (1 + scale);
}

/** Whether row r of example e of `arg` (a stack of rows x n blocks) is exactly zero. */
function isZeroRow(arg: QpArgument, e: number, rows: number, n: number, r: number): boolean {
  const off = ((arg.batched ? e * rows : 0) + r) * n;
  for (let i = 0; i < n; i++) if (arg.data[off + i] !== 0) return false;
  return true;
}

/** Rows (of `rows` x n blocks) that are exactly zero in every stored copy of `arg`. */
function zeroRowsOf(arg: QpArgument, batch: number, rows: number, n: number): boolean[] {
  const count = arg.batched ? batch : 1;
  const zero: boolean[] = [];
  for (let r = 0; r < rows; r++) {
    let z = true;
    for (let e = 0; e < count && z; e++) z = isZeroRow(arg, e, rows, n, r);
    zero.push(z);
  }
  return zero;
}

/** `arg` (a stack of rows x per blocks) restricted to the rows `keep`. */
function keepRows(arg: QpArgument, batch: number, rows: number, per: number, keep: readonly number[]): QpArgument {
  const count = arg.batched ? batch : 1;
  const out = new Float64Array(count * keep.length * per);
  for (let e = 0; e < count; e++) {
    keep.forEach((k, r) => out.set(arg.data.subarray((e * rows + k) * per, (e * rows + k + 1) * per), (e * keep.length + r) * per));
  }
  return { data: out, batched: arg.batched };
}

/**
 * Presolve of constraint rows whose coefficients are all zero (in every
 * example): such a row has no variables, so it either holds (0 <= h_k with
 * h_k >= -noise, 0 = b_j with |b_j| <= noise, `zeroRowNoise`) and is dropped
 * with multiplier 0, or it contradicts itself, and then it alone is a
 * verified Farkas certificate (lam = e_k: G'lam = 0 exactly, h'lam = h_k < 0;
 * nu = -sign(b_j) e_j: A'nu = 0, b'nu = -|b_j| < 0). Kept in the solve, such
 * rows make the KKT system rank deficient and their right-hand side noise
 * can pass the (relative) certificate tests. A row zero in some examples
 * only (batched G or A) is kept, but still decides those examples when it
 * contradicts itself. Null when there are no zero rows.
 */
export function dropZeroRows(qp: QpBatch, tol: number): ZeroRows | null {
  const { batch, n, nIneq: m, nEq: neq } = qp;
  const zg = zeroRowsOf(qp.G, batch, m, n);
  const za = zeroRowsOf(qp.A, batch, neq, n);
  // A row zero in some examples only stays in the solve (dropping it would need a per-example
  // G), but a contradiction there is still that example's certificate.
  const someG = qp.G.batched ? Array.from({ length: m }, (_, k) => !zg[k] && Array.from({ length: batch }, (_, e) => isZeroRow(qp.G, e, m, n, k)).some(Boolean)) : [];
  const someA = qp.A.batched ? Array.from({ length: neq }, (_, j) => !za[j] && Array.from({ length: batch }, (_, e) => isZeroRow(qp.A, e, neq, n, j)).some(Boolean)) : [];
  if (!zg.includes(true) && !za.includes(true) && !someG.includes(true) && !someA.includes(true)) return null;
  const keptIneq: number[] = [];
  const zeroIneq: number[] = [];
  zg.forEach((z, k) => (z ? zeroIneq : keptIneq).push(k));
  const keptEq: number[] = [];
  const zeroEq: number[] = [];
  za.forEach((z, j) => (z ? zeroEq : keptEq).push(j));
  const contradiction: ZeroRows['contradiction'][number][] = [];
  for (let e = 0; e < batch; e++) {
    const noise = zeroRowNoise(qp, e, tol);
    let found: ZeroRows['contradiction'][number] = null;
    for (let k = 0; k < m && !found; k++) {
      if (!zg[k] && !(someG[k] && isZeroRow(qp.G, e, m, n, k))) continue;
      const h = qp.h.data[(qp.h.batched ? e * m : 0) + k]!;
      if (h < -noise) found = { kind: 'ineq', row: k, rhs: h };
    }
    for (let j = 0; j < neq && !found; j++) {
      if (!za[j] && !(someA[j] && isZeroRow(qp.A, e, neq, n, j))) continue;
      const b = qp.b.data[(qp.b.batched ? e * neq : 0) + j]!;
      if (Math.abs(b) > noise) found = { kind: 'eq', row: j, rhs: b };
    }
    contradiction.push(found);
  }
  const reduced: QpBatch = {
    ...qp,
    nIneq: keptIneq.length,
    nEq: keptEq.length,
    G: keepRows(qp.G, batch, m, n, keptIneq),
    h: keepRows(qp.h, batch, m, 1, keptIneq),
    A: keepRows(qp.A, batch, neq, n, keptEq),
    b: keepRows(qp.b, batch, neq, 1, keptEq),
  };
  return {
    reduced,
    keptIneq: Int32Array.from(keptIneq), zeroIneq: Int32Array.from(zeroIneq),
    keptEq: Int32Array.from(keptEq), zeroEq: Int32Array.from(zeroEq),
    contradiction,
  };
}

/** Scatters rows `kept` of a stack of (kept.length x per) blocks into (rows x per) blocks (others 0). */
function scatter(src: Float64Array, count: number, rows: number, per: number, kept: Int32Array): Float64Array {
  const out = new Float64Array(count * rows * per);
  const mk = kept.length;
  for (let e = 0; e < count; e++) {
    kept.forEach((k, r) => out.set(src.subarray((e * mk + r) * per, (e * mk + r + 1) * per), (e * rows + k) * per));
  }
  return out;
}

/**
 * The reduced solve's result as a result of the full batch: dropped rows get
 * multiplier 0 (slack h_k for a zero inequality row); an example with a
 * contradicting zero row becomes `infeasible` with that row as its Farkas
 * certificate (lam, nu zero elsewhere) and takes no gradient. The backward
 * pass gives dropped rows zero dG, dh, dA, db (a row without variables does
 * not move the solution).
 */
export function expandZeroRows(full: QpBatch, d: ZeroRows, inner: QpResult): QpResult {
  const { batch, nIneq: m, nEq: neq } = full;
  const lam = scatter(inner.lam, batch, m, 1, d.keptIneq);
  const nu = scatter(inner.nu, batch, neq, 1, d.keptEq);
  const slack = scatter(inner.slack, batch, m, 1, d.keptIneq);
  for (let e = 0; e < batch; e++) {
    for (const k of d.zeroIneq) slack[e * m + k] = full.h.data[(full.h.batched ? e * m : 0) + k]!;
  }
  const status = inner.status.slice();
  const messages = inner.messages.slice();
  d.contradiction.forEach((c, e) => {
    if (!c) return;
    lam.fill(0, e * m, (e + 1) * m);
    nu.fill(0, e * neq, (e + 1) * neq);
    if (c.kind === 'ineq') lam[e * m + c.row] = 1;
    else nu[e * neq + c.row] = -Math.sign(c.rhs);
    status[e] = 'infeasible';
    messages[e] = c.kind === 'ineq'
      ? `inequality row ${c.row} has no variables (all-zero G row) and needs 0 <= h = ${c.rhs}: infeasible (that row is the certificate)`
      : `equality row ${c.row} has no variables (all-zero A row) and needs 0 = b = ${c.rhs}: infeasible (that row is the certificate)`;
  });
  return {
    ...inner,
    lam,
    nu,
    slack,
    status,
    messages,
    backward(dlDz: Float64Array): QpBackwardResult {
      let dl = dlDz;
      d.contradiction.forEach((c, e) => {
        if (!c || dlDz.length !== batch * full.n) return;
        if (dl === dlDz) dl = dlDz.slice();
        dl.fill(0, e * full.n, (e + 1) * full.n);
      });
      const g = inner.backward(dl);
      const count = (arg: QpArgument) => (arg.batched ? batch : 1);
      return {
        ...g,
        dG: scatter(g.dG, count(full.G), m, full.n, d.keptIneq),
        dh: scatter(g.dh, count(full.h), m, 1, d.keptIneq),
        dA: scatter(g.dA, count(full.A), neq, full.n, d.keptEq),
        db: scatter(g.db, count(full.b), neq, 1, d.keptEq),
      };
    },
  };
}
