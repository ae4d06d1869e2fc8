import * as E from 'fp-ts/lib/Either.js';
import { type ProblemFacts, analyzeProblem } from '../analysis/problem_analysis.js';
import type { RuleError } from '../analysis/dcp.js';
import { type CompilableProblem, type DslCompiledProblem, buildCompiledProblem, collectParameters, compileProblem } from '../compile/compile.js';
import { objectiveOffset, problemData, recoverDuals, recoverVariables, thetaFromParameters } from '../compile/problem_data.js';
import type { Expression } from '../expr/expression.js';
import type { Parameter, Variable } from '../expr/leaves.js';
import { Value } from '../value.js';
import { OptlayersError } from '../../solvers/errors.js';
import { isScsLoaded } from '../../solvers/scs/scs_module.js';
import { solveScs, type ConeSolution } from '../../solvers/scs/scs_solve.js';
import { isSolved, type SolverStatus } from '../../solvers/status.js';
import { cscMatVec } from '../../solvers/sparse/csc.js';
import type { Constraint } from './constraint.js';
import type { Objective } from './objective.js';
import { type SolveOptions, resolveSolveOptions } from './solve_options.js';

/** What `problem.solve` returns. */
export interface SolveResult {
  readonly status: SolverStatus;
  /** Optimal value; +-Infinity for infeasible/unbounded (CVXPY's convention), NaN when the solver failed. */
  readonly value: number;
  /** The solver's explanation of the status. */
  readonly message: string;
  readonly iterations: number;
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
  private readonly lastSolutions = new Map<DslCompiledProblem, ConeSolution>();

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

  isDcp(): boolean {
    return E.isRight(this.dcpAnalysis());
  }

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
   * Solves with SCS (call `await initSolvers()` once first). DPP problems are
   * compiled once and cached; DCP problems that are not DPP are compiled
   * with parameters frozen at every call. Non-DCP problems throw DcpError.
   * Sets `value`, `status`, each variable's `value` and each constraint's
   * `dualValue`; never throws for infeasible/unbounded problems.
   */
  solve(options: SolveOptions = {}): SolveResult {
    const opts = resolveSolveOptions(options);
    // A DPP verdict is final (it cannot depend on parameter values); DCP is re-checked for the others.
    const dcp = this.dppResult && E.isRight(this.dppResult) ? this.dppResult : this.dcpAnalysis();
    if (E.isLeft(dcp)) throw dcp.left;
    if (!isScsLoaded()) throw new OptlayersError('SCS is not loaded: call `await initSolvers()` (optlayers/solvers) once before problem.solve()');
    let compiled: DslCompiledProblem;
    if (E.isRight(this.dppAnalysis())) {
      compiled = compileProblem(this, { quadObjective: opts.quadObjective });
    } else {
      compiled = buildCompiledProblem(this.objective, this.constraints, dcp.right.facts, { quadObjective: opts.quadObjective, frozen: true });
      this.compileCount++;
    }
    const theta = thetaFromParameters(compiled);
    const data = problemData(compiled, theta);
    const previous = opts.warmStart ? this.lastSolutions.get(compiled) : undefined;
    const sol = solveScs(data, opts.scs, previous && isSolved(previous.status) ? previous : undefined);
    const sign = compiled.objectiveSign;
    let value: number;
    if (isSolved(sol.status)) {
      this.lastSolutions.set(compiled, sol);
      let obj = objectiveOffset(compiled, theta);
      for (let j = 0; j < sol.x.length; j++) obj += data.c[j]! * sol.x[j]!;
      if (data.P) {
        const px = cscMatVec(data.P, sol.x);
        for (let j = 0; j < sol.x.length; j++) obj += 0.5 * sol.x[j]! * px[j]!;
      }
      value = sign * obj;
      recoverVariables(compiled, sol.x).forEach((v, i) => (compiled.variables[i]!.ref.value = new Value(compiled.variables[i]!.ref.shape, v)));
      recoverDuals(compiled, sol.y).forEach((d, i) => (compiled.constraints[i]!.ref.dualValue = new Value(compiled.constraints[i]!.ref.shape, d)));
    } else {
      if (sol.status === 'infeasible' || sol.status === 'infeasible_inaccurate') value = sign * Infinity;
      else if (sol.status === 'unbounded' || sol.status === 'unbounded_inaccurate') value = -sign * Infinity;
      else value = NaN;
      for (const v of compiled.variables) v.ref.value = undefined;
      for (const c of compiled.constraints) c.ref.dualValue = undefined;
    }
    this.value = value;
    this.status = sol.status;
    return { status: sol.status, value, message: sol.message, iterations: sol.stats.iterations };
  }

  toString(): string {
    const lines = [this.objective.toString()];
    if (this.constraints.length > 0) lines.push('subject to', ...this.constraints.map((c) => `  ${c}`));
    return lines.join('\n');
  }
}
