import * as E from 'fp-ts/lib/Either.js';
import { type ProblemFacts, analyzeProblem } from '../analysis/problem_analysis.js';
import type { RuleError } from '../analysis/dcp.js';
import { type CompilableProblem, type DslCompiledProblem, buildCompiledProblem, collectParameters, compileProblem } from '../compile/compile.js';
import { objectiveOffset, recoverDuals, recoverVariables, thetaFromParameters } from '../compile/problem_data.js';
import type { Expression } from '../expr/expression.js';
import type { Parameter, Variable } from '../expr/leaves.js';
import { Value } from '../value.js';
import { isSolved, type SolverStatus } from '../../solvers/status.js';
import { isScsLoaded } from '../../solvers/scs/scs_module.js';
import { cscMatVec } from '../../solvers/sparse/csc.js';
import { CompiledSolver } from '../solve/compiled_solver.js';
import { selectRoute } from '../solve/route_choice.js';
import type { ConvexRoute } from '../solve/route_types.js';
import type { Constraint } from './constraint.js';
import type { Objective } from './objective.js';
import { type SolveOptions, resolveSolveOptions } from './solve_options.js';
import { checkSolvedPoint } from './solution_check.js';

/** QP-route statuses 'auto' accepts; any other (inaccurate, iteration limit, numerical failure) is re-solved with SCS. */
const QP_FINAL: ReadonlySet<SolverStatus> = new Set(['optimal', 'infeasible', 'unbounded']);

/** What `problem.solve` returns. */
export interface SolveResult {
  readonly status: SolverStatus;
  /** Optimal value; +-Infinity for infeasible/unbounded (CVXPY's convention), NaN when the solver failed. */
  readonly value: number;
  /** The solver's explanation of the status. */
  readonly message: string;
  /** Iterations of the solver that ran (SCS ADMM iterations or interior point iterations). */
  readonly iterations: number;
  /** Which route solved the problem: 'qp' (interior point, LPs/QPs) or 'scs'. */
  readonly solver: ConvexRoute;
}

/**
 * An optimization problem: an objective and constraints, immutable after
 * construction. `solve` compiles once (DPP problems; cached per options) and
 * then only re-evaluates the parameter-to-data map on each call.
 */
export class Problem implements CompilableProblem {
  readonly constraints: readonly Constraint[];
  readonly compiledCache = new Map<string, DslCompiledProblem>();
  compileCount = 0;
  /** Optimal value of the last solve (undefined before any). */
  value: number | undefined = undefined;
  /** Status of the last solve. */
  status: SolverStatus | undefined = undefined;
  private dppResult: E.Either<RuleError, ProblemFacts> | undefined;
  private readonly compiledSolver = new CompiledSolver();

  constructor(
    readonly objective: Objective,
    constraints: readonly Constraint[] = [],
  ) {
    this.constraints = [...constraints];
  }

  /** DCP analysis (parameters as constants); Left names the offending sub-expression and rule. */
  dcpAnalysis(): E.Either<RuleError, ProblemFacts> {
    // Not cached: quadForm's definiteness may depend on parameter values in DCP mode.
    return analyzeProblem(this.objective, this.constraints, 'dcp');
  }

  /** DCP and then DPP analysis; Left is the first DcpError or DppError. */
  dppAnalysis(): E.Either<RuleError, ProblemFacts> {
    if (this.dppResult) return this.dppResult;
    const dcp = this.dcpAnalysis();
    this.dppResult = E.isLeft(dcp) ? dcp : analyzeProblem(this.objective, this.constraints, 'dpp');
    return this.dppResult;
  }

  /** Whether the problem follows the DCP rules (`dcpAnalysis()` names the culprit when it does not). */
  isDcp(): boolean {
    return E.isRight(this.dcpAnalysis());
  }

  /** Whether the problem follows the DPP rules, so it compiles once for all parameter values (`dppAnalysis()` names the culprit). */
  isDpp(): boolean {
    return E.isRight(this.dppAnalysis());
  }

  /** The problem's variables, in order of first appearance. */
  variables(): Variable[] {
    const seen = new Set<Expression>();
    const out: Variable[] = [];
    const visit = (e: Expression): void => {
      if (seen.has(e)) return;
      seen.add(e);
      if (e.kind === 'variable') out.push(e as Variable);
      e.args.forEach(visit);
    };
    visit(this.objective.expr);
    this.constraints.forEach((c) => c.args.forEach(visit));
    return out;
  }

  /** The problem's parameters, in theta order. */
  parameters(): Parameter[] {
    return collectParameters([this.objective.expr, ...this.constraints.flatMap((c) => c.args)]);
  }

  /**
   * Solves the problem. `solver: 'auto'` (default) sends LPs and QPs (problems
   * whose compile with the quadratic objective kept has only zero and
   * nonnegative cones) to the float64 interior point QP solver and every
   * other problem to SCS (call `await initSolvers()` once first); see
   * `SolveOptions` for forcing a route and how tolerances map. Under 'auto',
   * a QP solve that ends other than optimal/infeasible/unbounded (stalled,
   * inaccurate, iteration limit) is re-solved with SCS when SCS is loaded. DPP problems
   * are compiled once per form and cached; DCP problems that are not DPP are
   * compiled with parameters frozen at every call. Non-DCP problems throw
   * DcpError. On either route sets `value`, `status`, each variable's
   * `value` and each constraint's `dualValue` (CVXPY's sign conventions:
   * the conic dual y of  P x + c + A'y = 0,  y in K*, recovered per
   * constraint); never throws for infeasible/unbounded problems. Every
   * solved point is checked against the original constraints, evaluated
   * numerically (`solution_check.ts`): a point that violates them is reported
   * 'optimal_inaccurate' (relative violation up to 1e-3) or
   * 'numerical_error' (beyond), never 'optimal'.
   */
  solve(options: SolveOptions = {}): SolveResult {
    const opts = resolveSolveOptions(options);
    // A DPP verdict is final (it cannot depend on parameter values); DCP is re-checked for the others.
    const dcp = this.dppResult && E.isRight(this.dppResult) ? this.dppResult : this.dcpAnalysis();
    if (E.isLeft(dcp)) throw dcp.left;
    const dpp = E.isRight(this.dppAnalysis());
    const compile = (quadObjective: boolean): DslCompiledProblem => {
      if (dpp) return compileProblem(this, { quadObjective });
      this.compileCount++;
      return buildCompiledProblem(this.objective, this.constraints, dcp.right.facts, { quadObjective, frozen: true });
    };
    let { route, compiled } = selectRoute(opts.solver, compile, { scsQuadObjective: opts.quadObjective });
    let theta = thetaFromParameters(compiled);
    let sol = this.compiledSolver.solve(compiled, route, theta, opts);
    if (opts.solver === 'auto' && route === 'qp' && !QP_FINAL.has(sol.status) && isScsLoaded()) {
      // The interior point method stalled short of its tolerance (e.g. singular Q
      // with equality constraints only): 'auto' re-solves with SCS rather than
      // report a result less accurate than SCS would.
      const qpMessage = sol.message;
      ({ route, compiled } = selectRoute('scs', compile, { scsQuadObjective: opts.quadObjective }));
      theta = thetaFromParameters(compiled);
      sol = this.compiledSolver.solve(compiled, route, theta, opts);
      sol = { ...sol, message: `${sol.message} (re-solved with SCS after ${qpMessage})` };
    }
    const sign = compiled.objectiveSign;
    let value = NaN;
    if (isSolved(sol.status)) {
      const data = sol.data;
      let obj = objectiveOffset(compiled, theta);
      for (let j = 0; j < sol.x.length; j++) obj += data.c[j]! * sol.x[j]!;
      if (data.P) {
        const px = cscMatVec(data.P, sol.x);
        for (let j = 0; j < sol.x.length; j++) obj += 0.5 * sol.x[j]! * px[j]!;
      }
      value = sign * obj;
      recoverVariables(compiled, sol.x).forEach((v, i) => (compiled.variables[i]!.ref.value = new Value(compiled.variables[i]!.ref.shape, v)));
      recoverDuals(compiled, sol.y).forEach((d, i) => (compiled.constraints[i]!.ref.dualValue = new Value(compiled.constraints[i]!.ref.shape, d)));
      // Right or flagged: the point must satisfy the user's constraints and give the reported value, evaluated numerically.
      const checked = checkSolvedPoint(sol.status, this.constraints, this.objective.expr, value);
      if (checked.notes.length > 0) sol = { ...sol, status: checked.status, message: [sol.message, ...checked.notes].join('; ') };
    }
    if (!isSolved(sol.status)) {
      if (sol.status === 'infeasible' || sol.status === 'infeasible_inaccurate') value = sign * Infinity;
      else if (sol.status === 'unbounded' || sol.status === 'unbounded_inaccurate') value = -sign * Infinity;
      else value = NaN;
      for (const v of compiled.variables) v.ref.value = undefined;
      for (const c of compiled.constraints) c.ref.dualValue = undefined;
    }
    this.value = value;
    this.status = sol.status;
    return { status: sol.status, value, message: sol.message, iterations: sol.iterations, solver: route };
  }

  toString(): string {
    const lines = [this.objective.toString()];
    if (this.constraints.length > 0) lines.push('subject to', ...this.constraints.map((c) => `  ${c}`));
    return lines.join('\n');
  }
}
