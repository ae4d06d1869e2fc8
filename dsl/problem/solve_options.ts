import { ValueError } from '../../solvers/errors.js';
import { MAX_QP_ITERATIONS } from '../../solvers/qp/qp_options.js';
import type { QpOptions } from '../../solvers/qp/qp_types.js';
import type { ScsOptions } from '../../solvers/scs/scs_options.js';
import { SOLVER_CHOICES, type SolverChoice } from '../solve/route_choice.js';

/** Options of `problem.solve`. Every field is optional; `resolveSolveOptions` documents the defaults. */
export interface SolveOptions {
  /**
   * Which engine solves the problem (default 'auto'): 'auto' uses the
   * interior point QP solver for LPs/QPs (problems that compile, with the
   * quadratic objective kept, to only zero and nonnegative cones) and SCS
   * for everything else, and re-solves with SCS a QP solve that ends
   * inaccurate or at its iteration limit; 'qp' forces the QP solver
   * (ValueError naming the cones when the problem is not an LP/QP; its
   * status is reported as is); 'scs' forces SCS.
   */
  solver?: SolverChoice;
  /**
   * The simple tolerance knob, the same word the layers use: absolute =
   * relative tolerance (`epsAbs = epsRel = tol`). See `ToleranceOptions`.
   */
  tol?: number;
  /** Absolute tolerance: SCS epsAbs (default 1e-8); on the QP route see `resolveSolveOptions`. */
  epsAbs?: number;
  /** Relative tolerance: SCS epsRel (default 1e-8); on the QP route see `resolveSolveOptions`. */
  epsRel?: number;
  /** Iteration limit of either solver (defaults: SCS 100000, QP 50). */
  maxIters?: number;
  /** Start SCS from this problem's previous solution when there is one (default false; the QP route ignores it). */
  warmStart?: boolean;
  /** Print SCS's log (default false; the QP route has no log). */
  verbose?: boolean;
  /** On the SCS route, keep a quadratic objective as P instead of cones when possible (default false; see CompileOptions). The QP route always keeps P. */
  quadObjective?: boolean;
}

/** Fully resolved solve options. */
export interface ResolvedSolveOptions {
  readonly solver: SolverChoice;
  readonly scs: ScsOptions;
  readonly qp: QpOptions;
  readonly warmStart: boolean;
  readonly quadObjective: boolean;
}

/** The keys `SolveOptions` accepts. */
export const SOLVE_OPTION_KEYS: readonly string[] = ['solver', 'tol', 'epsAbs', 'epsRel', 'maxIters', 'warmStart', 'verbose', 'quadObjective'];
const KNOWN = new Set(SOLVE_OPTION_KEYS);

/**
 * The tolerance vocabulary shared by `problem.solve`, `ConvexLayer` and
 * `qp()`/`OptNetLayer`: `tol` is the simple knob (absolute = relative
 * tolerance), `epsAbs`/`epsRel` give fine control (SCS's absolute and
 * relative stopping tolerances). The interior point QP solver has a single
 * scaled tolerance, which is min(epsAbs, epsRel).
 */
export interface ToleranceOptions {
  tol?: number;
  epsAbs?: number;
  epsRel?: number;
}

/** The absolute and relative tolerances a `ToleranceOptions` asks for (undefined: the engine's default). */
export interface ResolvedTolerance {
  readonly epsAbs: number | undefined;
  readonly epsRel: number | undefined;
}

/**
 * Reads `tol`, `epsAbs`, `epsRel`: each must be a finite number in (0, 1) (a
 * tolerance of 1 or more accepts any point as optimal); `tol` sets both
 * `epsAbs` and `epsRel`, and giving `tol` together with an `epsAbs` or
 * `epsRel` of a different value is a ValueError (which one would win is not
 * obvious), naming `what` and the two values. Equal values are accepted.
 */
export function resolveTolerance(options: ToleranceOptions, what: string): ResolvedTolerance {
  for (const key of ['tol', 'epsAbs', 'epsRel'] as const) {
    const v = options[key];
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v > 0 && v < 1)) {
      throw new ValueError(`${what} ${key} must be a number in (0, 1), got ${String(v)}`);
    }
  }
  const { tol, epsAbs, epsRel } = options;
  if (tol !== undefined) {
    for (const [key, v] of [['epsAbs', epsAbs], ['epsRel', epsRel]] as const) {
      if (v !== undefined && v !== tol) {
        throw new ValueError(`${what}: tol = ${tol} sets both epsAbs and epsRel, but ${key} = ${v} was also given; pass either tol, or epsAbs/epsRel`);
      }
    }
    return { epsAbs: tol, epsRel: tol };
  }
  return { epsAbs, epsRel };
}

/**
 * Below this the QP route keeps its own `tolInaccurate` (1e-5); a looser
 * requested tolerance also becomes the threshold of `optimal_inaccurate`.
 */
const QP_INACCURATE = 1e-5;

/**
 * Fills defaults and validates; throws ValueError naming the bad option.
 * - `solver` 'auto'.
 * - `tol` sets `epsAbs = epsRel = tol` (see `resolveTolerance`: all three
 *   must lie in (0, 1); `tol` with a different `epsAbs`/`epsRel` is a ValueError).
 * - SCS route: `epsAbs`, `epsRel`, `maxIters`, `verbose` pass through (SCS
 *   defaults 1e-8, 1e-8, 100000, false); `warmStart` false.
 * - QP route: the interior point method has one scaled tolerance (primal and
 *   dual residuals and complementarity, each divided by 1 + the norm of the
 *   matching data, must fall below it), so `tol` = the smaller of `epsAbs`
 *   and `epsRel` given, default 1e-9 (the QP solver's own; interior point
 *   iterations converge superlinearly, so tight tolerances cost only an
 *   iteration or two). `tolInaccurate` is max(1e-5, tol); `maxIters` passes
 *   through capped at MAX_QP_ITERATIONS (default 50); `warmStart` and `verbose` do not apply.
 */
export function resolveSolveOptions(options: SolveOptions = {}): ResolvedSolveOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new ValueError('solve options must be an object');
  for (const k of Object.keys(options)) if (!KNOWN.has(k)) throw new ValueError(`unknown solve option '${k}' (known: ${SOLVE_OPTION_KEYS.join(', ')})`);
  const solver = options.solver ?? 'auto';
  if (!SOLVER_CHOICES.includes(solver)) throw new ValueError(`solve option solver must be one of ${SOLVER_CHOICES.join(', ')}, got '${String(solver)}'`);
  const { epsAbs, epsRel } = resolveTolerance(options, 'solve option');
  const { maxIters } = options;
  if (maxIters !== undefined && !(Number.isInteger(maxIters) && maxIters >= 1)) {
    throw new ValueError(`solve option maxIters must be a positive integer, got ${String(maxIters)}`);
  }
  for (const key of ['warmStart', 'verbose', 'quadObjective'] as const) {
    const v = options[key];
    if (v !== undefined && typeof v !== 'boolean') throw new ValueError(`solve option ${key} must be a boolean, got ${String(v)}`);
  }
  const scs: ScsOptions = {};
  const qp: QpOptions = {};
  if (epsAbs !== undefined) scs.epsAbs = epsAbs;
  if (epsRel !== undefined) scs.epsRel = epsRel;
  const given = [epsAbs, epsRel].filter((v): v is number => v !== undefined);
  if (given.length > 0) {
    qp.tol = Math.min(...given);
    if (qp.tol > QP_INACCURATE) qp.tolInaccurate = qp.tol;
  }
  if (maxIters !== undefined) {
    scs.maxIters = maxIters;
    // One option serves both engines; an SCS-sized limit (1e5 ADMM steps) is far beyond what an
    // interior point method ever needs, so the QP route caps it at its documented maximum.
    qp.maxIters = Math.min(maxIters, MAX_QP_ITERATIONS);
  }
  if (options.verbose !== undefined) scs.verbose = options.verbose;
  return { solver, scs, qp, warmStart: options.warmStart ?? false, quadObjective: options.quadObjective ?? false };
}
