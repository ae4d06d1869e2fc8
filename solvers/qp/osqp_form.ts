import { ShapeError, ValueError } from '../errors.js';
import type { SolverStatus } from '../status.js';
import { solveQpBatch } from './solve_qp_batch.js';
import type { QpArgument, QpOptions } from './qp_types.js';

/**
 * A batch of QPs in OSQP form:
 *   minimize 1/2 x'Px + q'x  subject to  l <= Ax <= u,
 * P n x n symmetric PSD, A m x n (row-major), bounds may be +-Infinity; a row
 * with l = u (in every example) is an equality. Each argument is batched or shared.
 */
export interface OsqpBatch {
  readonly batch: number;
  readonly n: number;
  readonly m: number;
  readonly P: QpArgument;
  readonly q: QpArgument;
  /** May be omitted when m = 0. */
  readonly A: QpArgument;
  readonly l: QpArgument;
  readonly u: QpArgument;
}

/** Gradients with respect to the OSQP-form arguments (shared ones summed over the batch). */
export interface OsqpGradients {
  readonly dP: Float64Array;
  readonly dq: Float64Array;
  readonly dA: Float64Array;
  readonly dl: Float64Array;
  readonly du: Float64Array;
  /** Per example, checked residual of the backward solve (see `QpBackwardResult`). */
  readonly backwardResidual: Float64Array;
  /** Per example, 1 when the backward solve missed its tolerance (that example's gradient is zero). */
  readonly backwardFailed: Uint8Array;
}

/** Solution of an OSQP-form batch. */
export interface OsqpResult {
  readonly batch: number;
  /** Primal solution, batch x n. */
  readonly x: Float64Array;
  /** OSQP's dual y = lam_upper - lam_lower (equality rows: their multiplier), batch x m. */
  readonly y: Float64Array;
  readonly status: readonly SolverStatus[];
  readonly iterations: Int32Array;
  readonly kktResidual: Float64Array;
  /** Given dl/dx (batch x n), the gradients for P, q, A, l, u (implicit differentiation, reusing the factorization). */
  backward(dlDx: Float64Array): OsqpGradients;
}

type RowKind = { kind: 'eq'; eq: number } | { kind: 'ineq'; upper: number; lower: number };

/**
 * Solves an OSQP-form batch by mapping it onto the OptNet form of
 * `solveQpBatch`: rows with l = u become equalities Ax = l; every finite
 * upper bound a_i'x <= u_i and finite lower bound -a_i'x <= -l_i becomes an
 * inequality row; rows free on both sides are dropped. Gradients map back:
 * dA_i = dG_upper - dG_lower (+ dA_eq), du_i = dh_upper, dl_i = -dh_lower; for an
 * equality row the gradient db goes to u when its multiplier is >= 0 and to l
 * otherwise (the side that is active, as for the pair of inequalities it is).
 * The finiteness pattern of l and u must be the same across the batch.
 */
export function solveOsqpForm(problem: OsqpBatch, options: QpOptions = {}): OsqpResult {
  if (typeof problem !== 'object' || problem === null) throw new ShapeError('solveOsqpForm expects an OsqpBatch object');
  const { batch, n, m, P, q } = problem;
  if (!Number.isInteger(m) || m < 0) throw new ShapeError(`OSQP size m must be a non-negative integer, got ${String(m)}`);
  if (!Number.isInteger(batch) || batch < 1) throw new ShapeError(`OSQP size batch must be a positive integer, got ${String(batch)}`);
  if (!Number.isInteger(n) || n < 1) throw new ShapeError(`OSQP size n must be a positive integer, got ${String(n)}`);
  // With m = 0 there are no constraint rows: A, l, u may be omitted (or empty).
  const none: QpArgument = { data: new Float64Array(0), batched: false };
  const A = problem.A ?? (m === 0 ? none : undefined);
  const l = problem.l ?? (m === 0 ? none : undefined);
  const u = problem.u ?? (m === 0 ? none : undefined);
  for (const [name, arg, size] of [['P', P, n * n], ['q', q, n], ['A', A, m * n], ['l', l, m], ['u', u, m]] as const) {
    if (typeof arg !== 'object' || arg === null) throw new ShapeError(`OSQP argument ${name} is missing (expected {data: Float64Array, batched})`);
    const expected = size * (arg.batched ? batch : 1);
    if (!(arg.data instanceof Float64Array) || arg.data.length !== expected) {
      throw new ShapeError(`OSQP argument ${name} has ${arg.data?.length} entries; expected ${expected}`);
    }
  }
  if (!A || !l || !u) throw new ShapeError('OSQP arguments A, l and u are required when m > 0');
  const lAt = (e: number, i: number) => l.data[(l.batched ? e * m : 0) + i]!;
  const uAt = (e: number, i: number) => u.data[(u.batched ? e * m : 0) + i]!;
  const rows: RowKind[] = [];
  let nEq = 0;
  let nIneq = 0;
  for (let i = 0; i < m; i++) {
    let allEq = true;
    for (let e = 0; e < batch; e++) {
      const lo = lAt(e, i);
      const hi = uAt(e, i);
      if (Number.isNaN(lo) || lo === Infinity) throw new ValueError(`OSQP argument l has an invalid entry ${lo} in row ${i}`);
      if (Number.isNaN(hi) || hi === -Infinity) throw new ValueError(`OSQP argument u has an invalid entry ${hi} in row ${i}`);
      if (lo > hi) throw new ValueError(`OSQP bounds l > u in row ${i} of example ${e} (${lo} > ${hi}): the problem is trivially infeasible`);
      if (Number.isFinite(lAt(0, i)) !== Number.isFinite(lo) || Number.isFinite(uAt(0, i)) !== Number.isFinite(hi)) {
        throw new ValueError(`OSQP bounds of row ${i} are finite in some examples and infinite in others`);
      }
      if (lo !== hi) allEq = false;
    }
    if (allEq) rows.push({ kind: 'eq', eq: nEq++ });
    else {
      const upper = Number.isFinite(uAt(0, i)) ? nIneq++ : -1;
      const lower = Number.isFinite(lAt(0, i)) ? nIneq++ : -1;
      rows.push({ kind: 'ineq', upper, lower });
    }
  }
  const aCount = A.batched ? batch : 1;
  const boundCount = l.batched || u.batched ? batch : 1;
  const G = new Float64Array(aCount * nIneq * n);
  const Aeq = new Float64Array(aCount * nEq * n);
  const h = new Float64Array(boundCount * nIneq);
  const b = new Float64Array(boundCount * nEq);
  for (let e = 0; e < aCount; e++) {
    rows.forEach((r, i) => {
      const src = A.data.subarray(e * m * n + i * n, e * m * n + (i + 1) * n);
      if (r.kind === 'eq') Aeq.set(src, (e * nEq + r.eq) * n);
      else {
        if (r.upper >= 0) G.set(src, (e * nIneq + r.upper) * n);
        if (r.lower >= 0) for (let j = 0; j < n; j++) G[(e * nIneq + r.lower) * n + j] = -src[j]!;
      }
    });
  }
  for (let e = 0; e < boundCount; e++) {
    rows.forEach((r, i) => {
      if (r.kind === 'eq') b[e * nEq + r.eq] = lAt(e, i);
      else {
        if (r.upper >= 0) h[e * nIneq + r.upper] = uAt(e, i);
        if (r.lower >= 0) h[e * nIneq + r.lower] = -lAt(e, i);
      }
    });
  }
  const res = solveQpBatch(
    {
      batch, n, nIneq, nEq, Q: P, p: q,
      G: { data: G, batched: A.batched }, h: { data: h, batched: boundCount > 1 },
      A: { data: Aeq, batched: A.batched }, b: { data: b, batched: boundCount > 1 },
    },
    options,
  );
  const y = new Float64Array(batch * m);
  for (let e = 0; e < batch; e++) {
    rows.forEach((r, i) => {
      if (r.kind === 'eq') y[e * m + i] = res.nu[e * nEq + r.eq]!;
      else {
        const up = r.upper >= 0 ? res.lam[e * nIneq + r.upper]! : 0;
        const lo = r.lower >= 0 ? res.lam[e * nIneq + r.lower]! : 0;
        y[e * m + i] = up - lo;
      }
    });
  }
  const backward = (dlDx: Float64Array): OsqpGradients => {
    const g = res.backward(dlDx);
    const dA = new Float64Array(A.data.length);
    const dl = new Float64Array(l.data.length);
    const du = new Float64Array(u.data.length);
    for (let e = 0; e < aCount; e++) {
      rows.forEach((r, i) => {
        const o = e * m * n + i * n;
        if (r.kind === 'eq') for (let j = 0; j < n; j++) dA[o + j] += g.dA[(e * nEq + r.eq) * n + j]!;
        else {
          if (r.upper >= 0) for (let j = 0; j < n; j++) dA[o + j] += g.dG[(e * nIneq + r.upper) * n + j]!;
          if (r.lower >= 0) for (let j = 0; j < n; j++) dA[o + j] -= g.dG[(e * nIneq + r.lower) * n + j]!;
        }
      });
    }
    for (let e = 0; e < batch; e++) {
      const eb = boundCount > 1 ? e : 0;
      const lo = l.batched ? e * m : 0;
      const uo = u.batched ? e * m : 0;
      rows.forEach((r, i) => {
        if (r.kind === 'eq') {
          const d = g.db[eb * nEq + r.eq]!;
          if (boundCount === 1 && e > 0) return; // shared bounds: db already summed over the batch
          if (y[e * m + i]! >= 0) du[uo + i] += d;
          else dl[lo + i] += d;
        } else {
          if (boundCount === 1 && e > 0) return;
          if (r.upper >= 0) du[uo + i] += g.dh[eb * nIneq + r.upper]!;
          if (r.lower >= 0) dl[lo + i] -= g.dh[eb * nIneq + r.lower]!;
        }
      });
    }
    return { dP: g.dQ, dq: g.dp, dA, dl, du, backwardResidual: g.backwardResidual, backwardFailed: g.backwardFailed };
  };
  return { batch, x: res.z, y, status: res.status, iterations: res.iterations, kktResidual: res.kktResidual, backward };
}
