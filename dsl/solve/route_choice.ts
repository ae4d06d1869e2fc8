import type { CompiledProblem } from '../compiled_problem.js';
import type { ConeDims } from '../../solvers/cone_program.js';
import { ValueError } from '../../solvers/errors.js';
import { isQpCompatible } from './qp_data_map.js';
import type { ConvexRoute } from './route_types.js';

/**
 * Which engine solves a compiled problem:
 * - 'auto': the batched interior point QP solver when the problem, compiled
 *   with its quadratic objective kept as P, has only zero and nonnegative
 *   cones (an LP or QP), else SCS;
 * - 'qp': the interior point QP solver (the problem must be an LP/QP);
 * - 'scs': SCS, whatever the cones.
 */
export type SolverChoice = 'auto' | 'scs' | 'qp';

/** Every `SolverChoice`, for validating options. */
export const SOLVER_CHOICES: readonly SolverChoice[] = ['auto', 'scs', 'qp'];

/** "2 zero, 3 nonnegative, 1 second-order (sizes 3), 0 exponential and 0 power cone rows", for error messages. */
export function describeCones(cones: ConeDims): string {
  const soc = cones.soc.length > 0 ? ` (sizes ${cones.soc.join(', ')})` : '';
  return (
    `${cones.zero} zero, ${cones.nonneg} nonnegative, ${cones.soc.length} second-order${soc}, ` +
    `${cones.exp} exponential and ${cones.power.length} power cones`
  );
}

/** The route chosen for a problem and the compiled form that route solves. */
export interface RouteSelection<C extends CompiledProblem> {
  readonly route: ConvexRoute;
  readonly compiled: C;
}

/** How `selectRoute` compiles for SCS and when 'auto' must avoid the QP route. */
export interface RouteSelectionOptions {
  /** Compile with `quadObjective` for the SCS route (SCS accepts P; the cone-program derivative does not). */
  readonly scsQuadObjective: boolean;
  /** Under 'auto', use SCS even for an LP/QP (e.g. a layer returning duals needs the dual gradients only SCS's derivative gives). */
  readonly autoAvoidsQp?: boolean;
}

/**
 * Decides the route of `choice` for one problem, compiling it through
 * `compile(quadObjective)` (a cached compiler for DPP problems):
 * - 'qp' and 'auto' compile with the quadratic objective kept and test the
 *   cones: only zero + nonnegative (an LP/QP in conic form
 *   `minimize 1/2 x'Px + c'x  s.t.  Ax + s = b,  s in {0}^z x R+^l`) takes
 *   the QP route; 'qp' otherwise throws a `ValueError` naming the cones and
 *   the objective terms or constraints that need them
 *   (`compiled.nonLinearConeTerms`);
 * - 'scs' (and 'auto' for any other problem, or with `autoAvoidsQp`)
 *   compiles with `scsQuadObjective` for SCS, reusing the quadratic compile
 *   when both forms are the same.
 */
export function selectRoute<C extends CompiledProblem>(
  choice: SolverChoice,
  compile: (quadObjective: boolean) => C,
  options: RouteSelectionOptions,
): RouteSelection<C> {
  let quad: C | undefined;
  if (choice === 'qp' || (choice === 'auto' && !options.autoAvoidsQp)) {
    quad = compile(true);
    if (isQpCompatible(quad)) return { route: 'qp', compiled: quad };
    if (choice === 'qp') {
      const terms = quad.nonLinearConeTerms?.() ?? [];
      const why = terms.length > 0 ? ` because ${terms.join('; ')}` : '';
      throw new ValueError(
        `solver 'qp' needs a problem that compiles (with its quadratic objective kept) to only zero and nonnegative cones, ` +
          `i.e. an LP or QP; this one compiles to ${describeCones(quad.cones)}${why}. Use solver 'scs' or 'auto'.`,
      );
    }
  }
  const compiled = options.scsQuadObjective && quad ? quad : compile(options.scsQuadObjective);
  return { route: 'scs', compiled };
}
