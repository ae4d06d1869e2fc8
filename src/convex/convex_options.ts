import { SOLVER_CHOICES, type SolverChoice } from '../../dsl/solve/index.js';
import { resolveTolerance } from '../../dsl/problem/solve_options.js';
import type { ConeDerivativeOptions } from '../../solvers/cone_derivative/cone_derivative_types.js';
import { ValueError } from '../../solvers/errors.js';
import { availableQpThreads } from '../../solvers/qp/index.js';
import type { QpOptions } from '../../solvers/qp/qp_types.js';
import { ITERATION_CAPS, checkIntegerInRange, rejectUnknownKeys } from '../options_check.js';
import { SCS_OPTION_KEYS, resolveScsOptions, type ScsOptions } from '../../solvers/scs/scs_options.js';
import { resolveDerivativeOptions } from '../../solvers/cone_derivative/derivative_options.js';
import { DERIVATIVE_OPTION_KEYS } from '../../solvers/cone_derivative/derivative_options.js';

/** Which numerical engine solves the compiled cone program (the DSL's `SolverChoice`, shared with `problem.solve`). */
export type ConvexSolverChoice = SolverChoice;

/**
 * What a ConvexLayer does when a batch element's solve does not end
 * `optimal` (or `optimal_inaccurate` with `acceptInaccurate`), or its
 * backward linear solve fails its residual check.
 */
export type SolverFailurePolicy = 'throw' | 'zero-gradient' | 'best-effort';

/** Options of `ConvexLayer`; every field is optional, `resolveConvexOptions` documents the defaults. */
export interface ConvexLayerOptions {
  /**
   * 'auto' sends problems whose cones are only zero and nonnegative (LPs, QPs)
   * to the batched interior point QP solver and everything else to SCS with
   * the cone-program derivative; 'scs' and 'qp' force a route.
   */
  solver?: ConvexSolverChoice;
  /**
   * Stopping tolerance, the simple knob (as in `problem.solve`): SCS
   * epsAbs = epsRel = tol, and the QP solver's scaled KKT tolerance
   * (defaults: 1e-8 SCS, 1e-10 QP). Giving it with a different
   * `epsAbs`/`epsRel` is a ValueError.
   */
  tol?: number;
  /** Absolute tolerance (fine control): SCS epsAbs; the QP route uses min(epsAbs, epsRel). */
  epsAbs?: number;
  /** Relative tolerance (fine control): SCS epsRel; the QP route uses min(epsAbs, epsRel). */
  epsRel?: number;
  /** Iteration limit per batch element (SCS or QP). */
  maxIters?: number;
  /** Start each SCS solve from the previous call's solution in the same batch slot. */
  warmStart?: boolean;
  /** What to do with a batch element whose solve failed (any status but 'optimal', see `acceptInaccurate`). */
  onSolverFailure?: SolverFailurePolicy;
  /** Treat 'optimal_inaccurate' (residuals within the solver's looser, checked tolerance) as solved. Default false. */
  acceptInaccurate?: boolean;
  /** Further SCS settings (overridden by `tol`/`epsAbs`/`epsRel`/`maxIters` when those are given). */
  scs?: ScsOptions;
  /** Further QP settings (overridden by `tol`/`epsAbs`/`epsRel`/`maxIters` when those are given). */
  qp?: QpOptions;
  /** Settings of the linear solve in the cone-program derivative (SCS route). */
  derivative?: ConeDerivativeOptions;
}

/** `ConvexLayerOptions` with every field decided. */
export interface ResolvedConvexOptions {
  readonly solver: ConvexSolverChoice;
  readonly warmStart: boolean;
  readonly onSolverFailure: SolverFailurePolicy;
  readonly acceptInaccurate: boolean;
  readonly scs: ScsOptions;
  readonly qp: QpOptions;
  readonly derivative: ConeDerivativeOptions;
}

const SOLVERS: readonly ConvexSolverChoice[] = SOLVER_CHOICES;
const POLICIES: readonly SolverFailurePolicy[] = ['throw', 'zero-gradient', 'best-effort'];
/** The keys `ConvexLayerOptions` accepts. */
export const CONVEX_OPTION_KEYS: readonly string[] = ['solver', 'tol', 'epsAbs', 'epsRel', 'maxIters', 'warmStart', 'onSolverFailure', 'acceptInaccurate', 'scs', 'qp', 'derivative'];
// Every key of `ScsOptions` (the SCS resolver checks their values).
/** Largest GMRES iteration count / restart length a ConvexLayer config may ask of the cone-program derivative. */
const DERIVATIVE_MAX_ITERS = 100_000;
/** Largest dense-LU system a ConvexLayer config may ask for (8 * 8000^2 bytes = 512 MB). */
const DERIVATIVE_MAX_DENSE = 8_000;

/**
 * Fills the defaults of a ConvexLayer and validates every option, throwing a
 * `ValueError` naming the bad one:
 * - `solver` 'auto';
 * - `tol` / `epsAbs` / `epsRel` (the vocabulary of `problem.solve`, see
 *   `resolveTolerance`): `tol` sets epsAbs = epsRel; SCS takes epsAbs and
 *   epsRel, the QP route min(epsAbs, epsRel); unset, SCS keeps its own
 *   default (epsAbs = epsRel = 1e-8) and the QP route uses a scaled KKT
 *   residual of 1e-10 (tighter than the QP solver's 1e-9, for accurate gradients);
 * - `maxIters`: unset keeps each solver's default (SCS 100000, QP 50);
 * - `warmStart` false (SCS route only; the interior point method does not warm start);
 * - `onSolverFailure` 'throw' (a `SolverError` naming the batch index and status);
 * - `acceptInaccurate` false: only 'optimal' counts as solved;
 * - bounds on what options (or a loaded config) may ask for: `maxIters` and
 *   `scs.maxIters` <= 1e6, `qp.maxIters` <= 10000 (`ITERATION_CAPS`; the QP
 *   route uses min(maxIters, 10000)), `qp.threads` <= the cores available,
 *   `scs.timeLimitSecs` <= 3600, unknown keys in `scs`, `derivative` (and, by
 *   the QP solver, `qp`) rejected;
 * - `scs`, `qp`, `derivative`: passed through to the solvers, whose own
 *   resolvers validate them.
 */
export function resolveConvexOptions(options: ConvexLayerOptions = {}): ResolvedConvexOptions {
  rejectUnknownKeys(options, CONVEX_OPTION_KEYS, 'ConvexLayer option');
  const solver = options.solver ?? 'auto';
  if (!SOLVERS.includes(solver)) throw new ValueError(`ConvexLayer option solver must be one of ${SOLVERS.join(', ')}, got '${String(solver)}'`);
  const policy = options.onSolverFailure ?? 'throw';
  if (!POLICIES.includes(policy)) {
    throw new ValueError(`ConvexLayer option onSolverFailure must be one of ${POLICIES.join(', ')}, got '${String(policy)}'`);
  }
  const acceptInaccurate = options.acceptInaccurate ?? false;
  if (typeof acceptInaccurate !== 'boolean') throw new ValueError(`ConvexLayer option acceptInaccurate must be a boolean, got ${String(acceptInaccurate)}`);
  // Unknown keys of `qp` are rejected by the QP solver's own resolver (resolveQpOptions, at construction).
  if (options.qp !== undefined && (typeof options.qp !== 'object' || options.qp === null)) throw new ValueError('ConvexLayer option qp must be an object');
  rejectUnknownKeys(options.scs, SCS_OPTION_KEYS, 'ConvexLayer option scs');
  rejectUnknownKeys(options.derivative, DERIVATIVE_OPTION_KEYS, 'ConvexLayer option derivative');
  const { maxIters } = options;
  // A tolerance of 1 or more accepts any point as 'optimal' (and SCS rejects it): never from a config.
  const { epsAbs, epsRel } = resolveTolerance(options, 'ConvexLayer option');
  const given = [epsAbs, epsRel].filter((v): v is number => v !== undefined);
  // The interior point method has one scaled tolerance: the tighter of the two asked for.
  const tol = given.length > 0 ? Math.min(...given) : undefined;
  if (maxIters !== undefined) checkIntegerInRange(maxIters, 1, ITERATION_CAPS.scs, 'ConvexLayer option maxIters');
  if (options.qp?.maxIters !== undefined) checkIntegerInRange(options.qp.maxIters, 1, ITERATION_CAPS.qp, 'ConvexLayer option qp.maxIters');
  if (options.scs?.maxIters !== undefined) checkIntegerInRange(options.scs.maxIters, 1, ITERATION_CAPS.scs, 'ConvexLayer option scs.maxIters');
  if (options.qp?.threads !== undefined) checkIntegerInRange(options.qp.threads, 0, availableQpThreads(), 'ConvexLayer option qp.threads (at most the available cores)');
  const limit = options.scs?.timeLimitSecs;
  if (limit !== undefined && !(typeof limit === 'number' && limit >= 0 && limit <= 3600)) {
    throw new ValueError(`ConvexLayer option scs.timeLimitSecs must be in [0, 3600], got ${String(limit)}`);
  }
  const warmStart = options.warmStart ?? false;
  if (typeof warmStart !== 'boolean') throw new ValueError(`ConvexLayer option warmStart must be a boolean, got ${String(warmStart)}`);
  const scs: ScsOptions = { ...options.scs };
  const qp: QpOptions = { ...options.qp };
  // Validate the route-specific settings now, whatever route the problem takes:
  // otherwise a bogus scs/derivative value (e.g. epsAbs: 'abc' in a loaded
  // config) is silently kept on the QP route and only fails, or is silently
  // unused, later.
  resolveScsOptions(scs);
  const d = options.derivative ?? {};
  if (typeof d !== 'object' || d === null) throw new ValueError('ConvexLayer option derivative must be an object');
  for (const key of ['tol', 'acceptResidual'] as const) {
    const v = d[key];
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v))) throw new ValueError(`ConvexLayer option derivative.${key} must be a finite number, got ${String(v)}`);
  }
  if (d.method !== undefined && typeof d.method !== 'string') throw new ValueError(`ConvexLayer option derivative.method must be a string, got ${String(d.method)}`);
  // Bounds on what a config may ask of the backward linear solve: GMRES steps and the dense LU size (memory ~ 8 N^2 bytes).
  if (d.maxIters !== undefined) checkIntegerInRange(d.maxIters, 0, DERIVATIVE_MAX_ITERS, 'ConvexLayer option derivative.maxIters');
  if (d.restart !== undefined) checkIntegerInRange(d.restart, 0, DERIVATIVE_MAX_ITERS, 'ConvexLayer option derivative.restart');
  if (d.denseLimit !== undefined) checkIntegerInRange(d.denseLimit, 0, DERIVATIVE_MAX_DENSE, 'ConvexLayer option derivative.denseLimit');
  resolveDerivativeOptions(d);
  if (epsAbs !== undefined) scs.epsAbs = epsAbs;
  if (epsRel !== undefined) scs.epsRel = epsRel;
  if (tol !== undefined) {
    qp.tol = tol;
    if (qp.tolInaccurate !== undefined && qp.tolInaccurate < tol) qp.tolInaccurate = tol;
    else if (qp.tolInaccurate === undefined && tol > 1e-5) qp.tolInaccurate = tol;
  }
  // The implicit-differentiation backward is only as accurate as the solve:
  // at the QP solver's own default (1e-9) gradients of a 128-variable QP are
  // off by ~1e-5 relative, at 1e-10 by ~1e-8, for one or two more iterations.
  if (tol === undefined && qp.tol === undefined) qp.tol = 1e-10;
  if (maxIters !== undefined) {
    scs.maxIters = maxIters;
    qp.maxIters = Math.min(maxIters, ITERATION_CAPS.qp);
  }
  return { solver, warmStart, onSolverFailure: policy, acceptInaccurate, scs, qp, derivative: { ...options.derivative } };
}
