import type { CompiledProblem } from '../compiled_problem.js';
import { problemData } from '../compile/problem_data.js';
import type { ConeProgram } from '../../solvers/cone_program.js';
import { OptlayersError } from '../../solvers/errors.js';
import type { QpOptions } from '../../solvers/qp/qp_types.js';
import { isScsLoaded } from '../../solvers/scs/scs_module.js';
import type { ScsOptions } from '../../solvers/scs/scs_options.js';
import { solveScs, type ConeSolution } from '../../solvers/scs/scs_solve.js';
import { isSolved, type SolutionCheck, type SolverStatus } from '../../solvers/status.js';
import { QpRoute } from './qp_route.js';
import type { ConvexRoute } from './route_types.js';

/** One solve of a compiled problem at one parameter vector, before recovery to variables and duals. */
export interface CompiledSolution {
  /** The route that ran. */
  readonly route: ConvexRoute;
  /** The conic data (A, b, c[, P]) at theta, for evaluating the objective. */
  readonly data: ConeProgram;
  /** Solver primal x (length compiled.n). */
  readonly x: Float64Array;
  /** Conic dual y (length compiled.m) in the convention P x + c + A'y = 0, y in K*. */
  readonly y: Float64Array;
  readonly status: SolverStatus;
  readonly message: string;
  readonly iterations: number;
  /**
   * SCS route: the residuals and thresholds (checked on the unscaled data) that
   * decided `status`; an `optimal_inaccurate` SCS result is within
   * `check.inaccurateTolerance`, never unchecked. Absent on the QP route.
   */
  readonly check?: SolutionCheck;
}

/** Settings of one `CompiledSolver.solve` call. */
export interface CompiledSolveOptions {
  readonly scs: ScsOptions;
  readonly qp: QpOptions;
  /** SCS route: start from the previous solved point of the same compiled problem. */
  readonly warmStart: boolean;
}

/**
 * Solves one compiled problem (batch of one) on either route and keeps what
 * repeated solves reuse: one `QpRoute` per compiled problem and QP options
 * (its OptNet mapping and equality-elimination plan are built once), and the
 * last solved SCS point per compiled problem for `warmStart`. Entries are
 * held weakly, so compilations of non-DPP problems (one per solve) are freed.
 */
export class CompiledSolver {
  private readonly qpRoutes = new WeakMap<CompiledProblem, { key: string; route: QpRoute }>();
  private readonly lastScs = new WeakMap<CompiledProblem, ConeSolution>();

  /**
   * Solves `compiled` at `theta` on `route`. The SCS route needs SCS loaded
   * (`await initSolvers()`), else throws `OptlayersError`; the QP route does
   * not, and ignores `warmStart` (interior point methods do not warm start).
   */
  solve(compiled: CompiledProblem, route: ConvexRoute, theta: Float64Array, options: CompiledSolveOptions): CompiledSolution {
    const data = problemData(compiled, theta);
    if (route === 'qp') {
      const sol = this.qpRoute(compiled, options.qp).solve(theta, 1);
      return { route, data, x: sol.x[0]!, y: sol.y[0]!, status: sol.statuses[0]!, message: sol.messages[0]!, iterations: sol.iterations[0]! };
    }
    if (!isScsLoaded()) throw new OptlayersError('SCS is not loaded: call `await initSolvers()` (optlayers/solvers) once before problem.solve()');
    const previous = options.warmStart ? this.lastScs.get(compiled) : undefined;
    const sol = solveScs(data, options.scs, previous);
    if (isSolved(sol.status)) this.lastScs.set(compiled, sol);
    return { route, data, x: sol.x, y: sol.y, status: sol.status, message: sol.message, iterations: sol.stats.iterations, check: sol.stats.check };
  }

  private qpRoute(compiled: CompiledProblem, qp: QpOptions): QpRoute {
    const key = JSON.stringify(qp);
    const cached = this.qpRoutes.get(compiled);
    if (cached && cached.key === key) return cached.route;
    const route = new QpRoute(compiled, qp);
    this.qpRoutes.set(compiled, { key, route });
    return route;
  }
}
