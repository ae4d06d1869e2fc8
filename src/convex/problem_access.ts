import type { CompiledProblem, ShapedRef } from '../../dsl/compiled_problem.js';
import { compileProblem, type Problem } from '../../dsl/index.js';
import { QpRoute, ScsRoute, selectRoute, type RouteSolver } from '../../dsl/solve/index.js';
import { DppError } from '../../solvers/errors.js';
import type { ResolvedConvexOptions } from './convex_options.js';

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
 * Compiles the problem for the route the options select (see `selectRoute`):
 * - 'qp': compile with the quadratic objective kept; the cones must be zero
 *   and nonnegative only (else `ValueError` naming the cones);
 * - 'scs': compile with a linear objective (quadratic terms become cones,
 *   as the cone-program derivative needs P = 0);
 * - 'auto': 'qp' when the quadratic compile has only zero/nonnegative cones
 *   and no duals are requested (the QP backward has no dual gradients), else 'scs'.
 */
export function compileForRoute(problem: ConvexProblem, options: ResolvedConvexOptions, wantsDuals: boolean): { compiled: CompiledProblem; solver: RouteSolver } {
  assertDpp(problem);
  const { route, compiled } = selectRoute(options.solver, (quadObjective) => compileProblem(problem, { quadObjective }), {
    scsQuadObjective: false,
    autoAvoidsQp: wantsDuals,
  });
  const solver = route === 'qp' ? new QpRoute(compiled, options.qp) : new ScsRoute(compiled, options.scs, options.derivative, options.warmStart);
  return { compiled, solver };
}

/** The problem's parameters and variables (as the compiled form lists them), for lookups by name. */
export function problemRefs(problem: ConvexProblem): { parameters: ShapedRef[]; variables: ShapedRef[] } {
  assertDpp(problem);
  const compiled = compileProblem(problem, { quadObjective: false });
  return { parameters: compiled.parameters.map((s) => s.ref), variables: compiled.variables.map((s) => s.ref) };
}
