import type { SolverStatus } from '../status.js';

/**
 * One argument of a batched QP: either shared by every example (`batched:
 * false`, one copy) or given per example (`batched: true`, `batch` copies
 * stacked). Matrices are row-major.
 */
export interface QpArgument {
  readonly data: Float64Array;
  readonly batched: boolean;
}

/**
 * A batch of quadratic programs (OptNet form):
 *   minimize 1/2 z'Qz + p'z  subject to  Gz <= h,  Az = b.
 * Q is n x n symmetric positive semidefinite (may be singular or zero),
 * G is nIneq x n, A is nEq x n. With nIneq = 0 (or nEq = 0) the
 * corresponding G, h (A, b) have empty data.
 */
export interface QpBatch {
  readonly batch: number;
  readonly n: number;
  readonly nIneq: number;
  readonly nEq: number;
  readonly Q: QpArgument;
  readonly p: QpArgument;
  readonly G: QpArgument;
  readonly h: QpArgument;
  readonly A: QpArgument;
  readonly b: QpArgument;
}

/** Options of the batched interior point method; see `resolveQpOptions` for defaults. */
export interface QpOptions {
  /** Stop an example when its scaled KKT residual and duality gap fall below this. */
  tol?: number;
  /** Iteration limit per example. */
  maxIters?: number;
  /** An example that stops short of `tol` but within this scaled residual is reported `optimal_inaccurate`. */
  tolInaccurate?: number;
  /** Tolerance of the normalized infeasibility/unboundedness certificates (Farkas residuals). */
  tolInfeas?: number;
  /** Static regularization delta of the KKT factorization, relative to the largest diagonal entry. */
  regularization?: number;
  /** Maximum iterative-refinement steps per linear solve (undoes the regularization). */
  refinementSteps?: number;
  /** Fraction of the step to the boundary of the positive orthant taken each iteration, in (0, 1). */
  stepFraction?: number;
  /**
   * Threads solving the batch: the calling thread plus `threads - 1` Node
   * worker threads (persistent, shared-memory, work-stealing; results are
   * identical to one thread). 1 = single-threaded; 0 (default) = automatic:
   * min(available cores, 4) when the batch is large enough to repay the
   * hand-off, else 1. Ignored (single-threaded) where worker threads are
   * unavailable, e.g. in browsers.
   */
  threads?: number;
}

/** Result of a batched solve; arrays are stacked per example. */
export interface QpSolution {
  readonly batch: number;
  /** Primal solution, batch x n. */
  readonly z: Float64Array;
  /** Inequality multipliers (>= 0), batch x nIneq. */
  readonly lam: Float64Array;
  /** Equality multipliers, batch x nEq. */
  readonly nu: Float64Array;
  /** Inequality slacks h - Gz (>= 0), batch x nIneq. */
  readonly slack: Float64Array;
  /** Per-example status. */
  readonly status: readonly SolverStatus[];
  /** Per-example iteration count. */
  readonly iterations: Int32Array;
  /** Per-example max-norm KKT residual (stationarity, primal feasibility, complementarity). */
  readonly kktResidual: Float64Array;
}

/** Gradients of a scalar loss with respect to each QP argument, shaped like the argument (shared ones summed over the batch). */
export interface QpGradients {
  readonly dQ: Float64Array;
  readonly dp: Float64Array;
  readonly dG: Float64Array;
  readonly dh: Float64Array;
  readonly dA: Float64Array;
  readonly db: Float64Array;
}

/**
 * A solved batch that keeps its final KKT factorizations so the backward
 * pass reuses them (never refactors).
 */
export interface QpResult extends QpSolution {
  /** Given dl/dz (batch x n), returns dl/d(Q, p, G, h, A, b) by implicit differentiation of the KKT conditions. */
  backward(dlDz: Float64Array): QpGradients;
}
