import { STATUS_MESSAGES, type SolverStatus } from '../status.js';
import { dropInfiniteRows, expandDroppedRows } from './infinite_bounds.js';
import { checkOnOriginalData } from './original_data_check.js';
import { heterogeneousScales, solveExamplesSeparately } from './per_example_batch.js';
import { isIdentityScaling, ruizScaling, scaleQpBatch, unscaleQpResult } from './ruiz_scaling.js';
import { dropZeroRows, expandZeroRows } from './zero_rows.js';
import { flagIndefiniteQ } from './psd_check.js';
import { createBatchContext, solveAllExamples, STATUS_CODES } from './batch_context.js';
import { qpBackward } from './qp_backward.js';
import { resolveQpOptions, type ResolvedQpOptions } from './qp_options.js';
import { availableQpThreads, solveWithWorkers } from './qp_worker_pool.js';
import type { QpBatch, QpOptions, QpResult, QpSolution } from './qp_types.js';
import { validateQpBatch } from './qp_validate.js';

/**
 * Estimated float64 operations below which `threads: 0` stays on one thread:
 * about 10 ms of work, well above the cost of sharing the batch with a worker.
 */
const PARALLEL_MIN_FLOPS = 2e7;

/**
 * Threads for this batch: 1, an explicit `threads` (capped by the batch and
 * by the available cores), or
 * automatically min(cores, 4) when the estimated work, batch x ~16 iterations
 * x (n^2 (m + n/3) for G'WG and Cholesky + n (m + n) per iteration for the
 * solves), exceeds `PARALLEL_MIN_FLOPS`.
 */
function plannedThreads(o: ResolvedQpOptions, batch: number, n: number, m: number, neq: number): number {
  if (o.threads === 1 || batch < 2 || availableQpThreads() < 2) return 1;
  // An explicit request is bounded by the cores (a loaded model's config may ask for anything).
  if (o.threads > 1) return Math.min(o.threads, batch, availableQpThreads());
  const cores = Math.min(availableQpThreads(), 4, batch);
  if (cores < 2) return 1;
  const perIteration = n * n * (m + n / 3 + neq) + 8 * n * (m + n + neq);
  return batch * 16 * perIteration >= PARALLEL_MIN_FLOPS ? cores : 1;
}

/**
 * Solves a batch of QPs (OptNet form)
 *   minimize 1/2 z'Qz + p'z  subject to  Gz <= h,  Az = b
 * with a float64 primal-dual interior point method (Mehrotra predictor-
 * corrector, see `solveQpExample`), each example converging on its own.
 * Shared (unbatched) arguments are analysed once: a shared G that is sparse
 * (e.g. -I) makes G'WG cost O(nnz) and, with a diagonal Q, the whole KKT
 * factorization O(n). Q may be singular or zero (LPs); problems may have only
 * equalities, only inequalities, or no constraints.
 *
 * Throws `ShapeError`/`ValueError` for malformed or non-finite input; numerical
 * outcomes are per-example statuses:
 * - `optimal`: scaled KKT residuals <= `tol`;
 * - `optimal_inaccurate`: stopped (iteration limit or stall) with the best
 *   iterate's residuals <= `tolInaccurate`;
 * - `infeasible` / `unbounded`: a normalized Farkas certificate with residual
 *   <= `tolInfeas` (the `_inaccurate` variants: <= `tolInaccurate` at the end);
 * - `max_iters`: none of the above within `maxIters`;
 * - `singular`: the KKT matrix is not positive semidefinite (Q not PSD:
 *   checked by a Cholesky of Q + 1e-9 max|Q_ii| I, see `flagIndefiniteQ`);
 * - `nonfinite`: a NaN/Inf appeared in an iterate.
 * Unsolved examples return their best iterate and contribute zero gradient.
 * Certificates: an `infeasible` example's (lam, nu) is its Farkas vector; an
 * `unbounded` example's z is the ray (|z|_inf = 1). Both pass relative,
 * scale-invariant tests (certificates.ts). Rows with h_k >= 1e20 in every
 * example are read as "no bound" and dropped before the solve (see
 * `dropInfiniteRows`); results are mapped back and checked on them. Rows
 * whose coefficients are all zero are decided before the solve
 * (`dropZeroRows`: dropped when they hold to rounding, else the example is
 * `infeasible` with that row as its certificate).
 *
 * The result keeps each example's KKT factorization at the returned point
 * (the polishing one), or defers it to the first `backward(dlDz)` call when
 * only the backward pass needs it, so inference pays no extra factorization;
 * `backward` reuses it afterwards (see `qpBackward`). A deferred factorization
 * that fails flags that example in `backwardFailed`; the forward status only
 * describes the solve. With `threads` > 1 (or automatically for
 * large batches, in Node) examples are shared out to worker threads; see
 * `solveWithWorkers`.
 */
export function solveQpBatch(qp: QpBatch, options: QpOptions = {}): QpResult {
  validateQpBatch(qp);
  const o = resolveQpOptions(options);
  // Rows without variables are decided here (held to rounding: dropped; else their own certificate).
  const zero = dropZeroRows(qp, o.tolInfeas);
  const nonzero = zero ? zero.reduced : qp;
  const dropped = dropInfiniteRows(nonzero);
  const finite = dropped ? dropped.reduced : nonzero;
  // Examples of very different scales get one equilibration each (one for all would fit none).
  const result = heterogeneousScales(finite) ? solveExamplesSeparately(finite, (one) => solveEquilibrated(one, o)) : solveEquilibrated(finite, o);
  const full = dropped ? expandDroppedRows(nonzero, dropped, result, o.tolInfeas) : result;
  return flagIndefiniteQ(qp, zero ? expandZeroRows(qp, zero, full) : full);
}

/**
 * Solves the Ruiz-equilibrated batch (see `ruizScaling`), maps the result
 * back and checks it on the original data (`checkOnOriginalData`: KKT
 * residual recomputed, certificates verified before they are reported).
 */
function solveEquilibrated(qp: QpBatch, o: ResolvedQpOptions): QpResult {
  const scaling = ruizScaling(qp);
  if (isIdentityScaling(scaling)) return checkOnOriginalData(qp, solveValidated(qp, o), o);
  const inner = solveValidated(scaleQpBatch(qp, scaling), o);
  return checkOnOriginalData(qp, unscaleQpResult(qp, scaling, inner), o);
}

/**
 * Status messages: the status's sentence plus the iteration count and final
 * residual. `max_iters` before the limit means the method stopped early (steps
 * blocked at the boundary, or W too extreme to factor), which says so: the
 * status vocabulary has no "stalled", and "the iteration limit was reached"
 * after 7 of 50 iterations would be false.
 */
function statusMessages(status: readonly SolverStatus[], iterations: Int32Array, residual: Float64Array, maxIters: number): string[] {
  return status.map((s, e) => {
    const tail = `(${iterations[e]} iterations, KKT residual ${residual[e]!.toExponential(2)})`;
    if (s === 'max_iters' && iterations[e]! < maxIters) {
      return `stopped after ${iterations[e]} of at most ${maxIters} iterations short of the tolerance: the steps stalled or the KKT matrix could not be factored ${tail}`;
    }
    return `${STATUS_MESSAGES[s]} ${tail}`;
  });
}

/** `solveQpBatch` on validated input with resolved options. */
function solveValidated(qp: QpBatch, o: ResolvedQpOptions): QpResult {
  const threads = plannedThreads(o, qp.batch, qp.n, qp.nIneq, qp.nEq);
  const ctx = createBatchContext(qp, o, threads > 1);
  if (threads <= 1 || !solveWithWorkers(ctx, threads - 1)) solveAllExamples(ctx);
  const status = Array.from(ctx.status, (c) => STATUS_CODES[c]!);
  const solution: QpSolution = {
    batch: qp.batch,
    z: ctx.z,
    lam: ctx.lam,
    nu: ctx.nu,
    slack: ctx.slack,
    status,
    iterations: ctx.iterations,
    kktResidual: ctx.residual,
    messages: statusMessages(status, ctx.iterations, ctx.residual, o.maxIters),
  };
  return {
    ...solution,
    backward: (dlDz: Float64Array) => qpBackward(qp, ctx, solution, dlDz),
  };
}
