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
  /**
   * Polish each solved example (default true): guess the active set from the
   * final iterate (lam_k > s_k), solve the equality-constrained KKT system on
   * it exactly, and keep that point when it is primal and dual feasible and
   * its KKT residual is no larger (as OSQP's polishing). The backward pass then
   * differentiates the exact active-set KKT system.
   */
  polish?: boolean;
  /** Fraction of the step to the boundary of the positive orthant taken each iteration, in (0, 1). */
  stepFraction?: number;
  /**
   * Threads solving the batch: the calling thread plus `threads - 1` Node
   * worker threads (persistent, shared-memory, work-stealing; results are
   * identical to one thread). 1 = single-threaded; 0 (default) = automatic:
   * min(available cores, 4) when the batch is large enough to repay the
   * hand-off, else 1. Explicit values are clamped to the available cores
   * (and the batch size). Ignored (single-threaded) where worker threads are
   * unavailable, e.g. in browsers.
   */
  threads?: number;
}

/** Result of a batched solve; arrays are stacked per example. */
export interface QpSolution {
  readonly batch: number;
  /** Primal solution, batch x n (for an `unbounded` example: the ray, |z|_inf = 1). */
  readonly z: Float64Array;
  /** Inequality multipliers (>= 0), batch x nIneq (for an `infeasible` example, with nu: the Farkas certificate). */
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
  /** Per example, a sentence on how the solve ended (why a certificate was downgraded, etc.). */
  readonly messages: readonly string[];
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
 * The backward pass of a batch: the gradients plus, per example, the checked
 * residual of its linear solve. An example with `backwardFailed[e] = 1`
 * (its normwise relative residual `backwardResidual[e]` exceeded 1e-8, the
 * `BACKWARD_TOLERANCE`) contributes zero gradient: the caller decides (its
 * failure policy) whether to throw, drop or accept that.
 */
export interface QpBackwardResult extends QpGradients {
  /** Per example, normwise relative residual of the adjoint KKT solve (0 for examples not differentiated). */
  readonly backwardResidual: Float64Array;
  /** Per example, 1 when the adjoint solve did not reach the tolerance (its gradient is zero, not wrong). */
  readonly backwardFailed: Uint8Array;
}

/**
 * A solved batch that keeps, per example, the KKT factorization at its
 * returned point for the backward pass: the polishing factorization when the
 * polished point was kept, else the weights of one computed on the first
 * `backward` call (pure inference never pays for it) and reused afterwards.
 */
export interface QpResult extends QpSolution {
  /** Given dl/dz (batch x n), returns dl/d(Q, p, G, h, A, b) by implicit differentiation of the KKT conditions. */
  backward(dlDz: Float64Array): QpBackwardResult;
}
