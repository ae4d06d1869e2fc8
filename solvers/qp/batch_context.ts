import { STATUS_MESSAGES, type SolverStatus } from '../status.js';
import { GramWorkspace, InequalityOperator } from './inequality_operator.js';
import { solveQpExample } from './interior_point.js';
import { kktResidual, type QpExampleData } from './qp_example.js';
import type { ResolvedQpOptions } from './qp_options.js';
import type { QpBatch } from './qp_types.js';
import { ReducedKkt } from './reduced_kkt.js';

/** Status <-> integer code, for the per-example status array shared between threads. */
export const STATUS_CODES: readonly SolverStatus[] = Object.keys(STATUS_MESSAGES) as SolverStatus[];

/** Per-example claim states in `QpBatchContext.claims[1 + e]`. */
export const CLAIM_FREE = 0;
export const CLAIM_TAKEN = 1;
export const CLAIM_DONE = 2;
/** The worker threw on this example; the calling thread solves it again (and reports the error). */
export const CLAIM_FAILED = 3;

/**
 * A batch ready to be solved by any thread: only numbers, booleans and typed
 * arrays, so it can be posted to a worker as is (arrays over a
 * SharedArrayBuffer are then shared, not copied). Holds the inputs (Q already
 * symmetrized), the outputs every example writes into its own slice, and each
 * example's final KKT factorization (`ReducedKkt` storage, stride
 * `factorStride`) for the backward pass.
 */
export interface QpBatchContext {
  readonly batch: number;
  readonly n: number;
  readonly m: number;
  readonly neq: number;
  readonly options: ResolvedQpOptions;
  /** Symmetrized Q, one copy or `batch` stacked. */
  readonly q: Float64Array;
  readonly qBatched: boolean;
  /** 1 where the matching copy of Q is diagonal. */
  readonly qDiagonal: Uint8Array;
  readonly p: Float64Array;
  readonly pBatched: boolean;
  readonly g: Float64Array;
  readonly gBatched: boolean;
  readonly h: Float64Array;
  readonly hBatched: boolean;
  readonly a: Float64Array;
  readonly aBatched: boolean;
  readonly b: Float64Array;
  readonly bBatched: boolean;
  readonly z: Float64Array;
  readonly lam: Float64Array;
  readonly nu: Float64Array;
  readonly slack: Float64Array;
  /** Index into `STATUS_CODES` per example. */
  readonly status: Int32Array;
  readonly iterations: Int32Array;
  readonly residual: Float64Array;
  readonly factors: Float64Array;
  readonly factorStride: number;
  /** [0]: next example to claim; [1 + e]: claim state of example e. */
  readonly claims: Int32Array;
}

/** Allocates `len` float64s, over a SharedArrayBuffer when `shared`. */
function floats(len: number, shared: boolean): Float64Array {
  return shared ? new Float64Array(new SharedArrayBuffer(8 * len)) : new Float64Array(len);
}

/** A copy of `src` (shared when asked; plain arrays are used as they are). */
function input(src: Float64Array, shared: boolean): Float64Array {
  if (!shared || src.buffer instanceof SharedArrayBuffer) return src;
  const out = floats(src.length, true);
  out.set(src);
  return out;
}

/**
 * Builds the context of a validated batch: symmetrizes Q (1/2 (Q + Q'), the
 * same objective) and notes which copies are diagonal; allocates outputs and
 * factor storage (over SharedArrayBuffers when `shared`, for worker threads).
 */
export function createBatchContext(qp: QpBatch, options: ResolvedQpOptions, shared: boolean): QpBatchContext {
  const { batch, n, nIneq: m, nEq: neq } = qp;
  const qCount = qp.Q.batched ? batch : 1;
  const q = floats(qCount * n * n, shared);
  const qDiagonal = new Uint8Array(shared ? new SharedArrayBuffer(qCount) : new ArrayBuffer(qCount));
  const src = qp.Q.data;
  for (let e = 0; e < qCount; e++) {
    const o = e * n * n;
    let diag = 1;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const v = 0.5 * (src[o + i * n + j]! + src[o + j * n + i]!);
        q[o + i * n + j] = v;
        if (i !== j && v !== 0) diag = 0;
      }
    }
    qDiagonal[e] = diag;
  }
  // Stride: the compact (diagonal) layout only when every example's KKT matrix is diagonal.
  let allDiagonal = qDiagonal.every((d) => d === 1);
  if (allDiagonal && m > 0) allDiagonal = !qp.G.batched && new InequalityOperator(qp.G.data, 0, m, n, true).gramIsDiagonal;
  const factorStride = ReducedKkt.storageSize(n, m, neq, allDiagonal);
  const ints = (len: number) => new Int32Array(shared ? new SharedArrayBuffer(4 * len) : new ArrayBuffer(4 * len));
  return {
    batch, n, m, neq, options,
    q, qBatched: qp.Q.batched, qDiagonal,
    p: input(qp.p.data, shared), pBatched: qp.p.batched,
    g: input(qp.G.data, shared), gBatched: qp.G.batched,
    h: input(qp.h.data, shared), hBatched: qp.h.batched,
    a: input(qp.A.data, shared), aBatched: qp.A.batched,
    b: input(qp.b.data, shared), bBatched: qp.b.batched,
    z: floats(batch * n, shared),
    lam: floats(batch * m, shared),
    nu: floats(batch * neq, shared),
    slack: floats(batch * m, shared),
    status: ints(batch),
    iterations: ints(batch),
    residual: floats(batch, shared),
    factors: floats(batch * factorStride, shared),
    factorStride,
    claims: ints(batch + 1),
  };
}

/**
 * What one thread needs to solve examples of a context: the Gram scratch and,
 * for a shared G, its operator (analysed once per thread).
 */
export class ExampleSolver {
  private readonly workspace = new GramWorkspace();
  private readonly sharedG: InequalityOperator | null;

  constructor(readonly ctx: QpBatchContext) {
    const { g, m, n, gBatched } = ctx;
    this.sharedG = gBatched ? null : new InequalityOperator(g, 0, m, n, true, this.workspace);
  }

  /** Views of example e's data (no copies). */
  example(e: number): QpExampleData {
    const c = this.ctx;
    const { n, m, neq } = c;
    const qe = c.qBatched ? e : 0;
    return {
      n, m, neq,
      q: c.q, qOff: qe * n * n, qDiagonal: c.qDiagonal[qe] === 1,
      p: c.p, pOff: c.pBatched ? e * n : 0,
      g: this.sharedG ?? new InequalityOperator(c.g, e * m * n, m, n, false, this.workspace),
      h: c.h, hOff: c.hBatched ? e * m : 0,
      a: c.a, aOff: c.aBatched ? e * neq * n : 0,
      b: c.b, bOff: c.bBatched ? e * neq : 0,
    };
  }

  /** The KKT factorization of example e over its storage slice (`restore`: reattach to the stored factor). */
  kkt(ex: QpExampleData, e: number, restore: boolean): ReducedKkt {
    const c = this.ctx;
    const o = c.options;
    const store = c.factors.subarray(e * c.factorStride, (e + 1) * c.factorStride);
    return new ReducedKkt(ex.n, ex.m, ex.neq, ex.q, ex.qOff, ex.qDiagonal, ex.g, ex.a, ex.aOff, o.regularization, o.refinementSteps, store, restore);
  }

  /** Solves example e, writing its iterate, status, iteration count, residual and final factorization into the context. */
  solve(e: number): void {
    const c = this.ctx;
    const { n, m, neq } = c;
    const ex = this.example(e);
    const kkt = this.kkt(ex, e, false);
    const it = {
      z: c.z.subarray(e * n, (e + 1) * n),
      lam: c.lam.subarray(e * m, (e + 1) * m),
      nu: c.nu.subarray(e * neq, (e + 1) * neq),
      s: c.slack.subarray(e * m, (e + 1) * m),
    };
    const out = solveQpExample(ex, kkt, c.options, it);
    c.status[e] = STATUS_CODES.indexOf(out.status);
    c.iterations[e] = out.iterations;
    c.residual[e] = kktResidual(ex, it.z, it.lam, it.nu);
  }
}

/** Solves every not-yet-claimed example of `ctx` on the calling thread (single-threaded path). */
export function solveAllExamples(ctx: QpBatchContext): void {
  const solver = new ExampleSolver(ctx);
  for (let e = 0; e < ctx.batch; e++) {
    solver.solve(e);
    ctx.claims[1 + e] = CLAIM_DONE;
  }
  ctx.claims[0] = ctx.batch;
}
