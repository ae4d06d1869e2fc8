import type { CompiledProblem, ShapedRef } from '../../dsl/compiled_problem.js';
import { compileProblem, type Problem } from '../../dsl/index.js';
import { DppError, UnsupportedError } from '../../solvers/errors.js';
import type { ResolvedConvexOptions } from './convex_options.js';
import { isQpCompatible } from './qp_data_map.js';
import { QpRoute } from './qp_route.js';
import type { RouteSolver } from './route_types.js';
import { ScsRoute } from './scs_route.js';

/** The DSL problem a convex layer wraps. */
export type ConvexProblem = Problem;

/** Throws the DSL's `DppError` (naming the offending sub-expression) unless the problem is DPP. */
export function assertDpp(problem: ConvexProblem): void {
  if (problem.isDpp()) return;
  const analysis = problem.dppAnalysis();
  if (analysis._tag === 'Left') throw analysis.left;
  throw new DppError('the problem is not DPP');
}

/**
 * Compiles the problem for the route the options select:
 * - 'qp': compile with the quadratic objective kept; the cones must be zero
 *   and nonnegative only (else `UnsupportedError`);
 * - 'scs': compile with a linear objective (quadratic terms become cones,
 *   as the cone-program derivative needs P = 0);
 * - 'auto': 'qp' when the quadratic compile has only zero/nonnegative cones
 *   and no duals are requested (the QP backward has no dual gradients), else 'scs'.
 */
export function compileForRoute(problem: ConvexProblem, options: ResolvedConvexOptions, wantsDuals: boolean): { compiled: CompiledProblem; solver: RouteSolver } {
  assertDpp(problem);
  if (options.solver !== 'scs' && !(options.solver === 'auto' && wantsDuals)) {
    const quad = compileProblem(problem, { quadObjective: true });
    if (isQpCompatible(quad)) return { compiled: quad, solver: new QpRoute(quad, options.qp) };
    if (options.solver === 'qp') {
      const c = quad.cones;
      throw new UnsupportedError(
        `solver 'qp' needs a problem whose cones are only zero and nonnegative; this one compiles to ` +
          `${c.soc.length} second-order, ${c.exp} exponential and ${c.power.length} power cones (use solver 'scs' or 'auto')`,
      );
    }
  }
  const linear = compileProblem(problem, { quadObjective: false });
  return { compiled: linear, solver: new ScsRoute(linear, options.scs, options.derivative, options.warmStart) };
}

/** The problem's parameters and variables (as the compiled form lists them), for lookups by name. */
export function problemRefs(problem: ConvexProblem): { parameters: ShapedRef[]; variables: ShapedRef[] } {
  assertDpp(problem);
  const compiled = compileProblem(problem, { quadObjective: false });
  return { parameters: compiled.parameters.map((s) => s.ref), variables: compiled.variables.map((s) => s.ref) };
}
