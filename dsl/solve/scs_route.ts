import type { CompiledProblem, DataGradient } from '../compiled_problem.js';
import { problemData, thetaGradient } from '../compile/problem_data.js';
import type { ConeProgram } from '../../solvers/cone_program.js';
import { coneProgramDerivative } from '../../solvers/cone_derivative/index.js';
import type { ConeDerivativeOptions, ConeProgramDerivative } from '../../solvers/cone_derivative/cone_derivative_types.js';
import { OptlayersError, SolverError } from '../../solvers/errors.js';
import { isSolved } from '../../solvers/status.js';
import { solveScs, type ConeSolution, type ScsOptions, type WarmStart } from '../../solvers/scs/index.js';
import type { RouteSolution, RouteSolver } from './route_types.js';

/**
 * The general route: each batch element's cone program
 *   minimize c'x  s.t.  Ax + s = b,  s in K   (data = affine map of theta)
 * is solved by SCS, and the backward pass applies the adjoint of the
 * derivative of the solution map (A, b, c) -> (x, y, s) (Agrawal, Barratt,
 * Boyd, Busseti, Moursi, "Differentiating through a cone program", 2019),
 * built lazily per slot on the first backward call and then reused.
 * With `warmStart`, slot i starts from the previous call's slot-i solution.
 */
export class ScsRoute implements RouteSolver {
  readonly route = 'scs' as const;
  readonly dualGradients = true;
  private readonly warm: (WarmStart | undefined)[] = [];

  constructor(
    readonly compiled: CompiledProblem,
    private readonly scsOptions: ScsOptions,
    private readonly derivativeOptions: ConeDerivativeOptions,
    private readonly warmStart: boolean,
  ) {
    if (compiled.pPattern && compiled.pPattern.values.length > 0) {
      throw new OptlayersError('internal: the SCS route needs a problem compiled with a linear objective (quadObjective: false)');
    }
  }

  /** Forgets the warm-start points of every slot. */
  resetWarmStart(): void {
    this.warm.length = 0;
  }

  solve(thetas: Float64Array, batch: number): RouteSolution {
    const T = this.compiled.thetaSize;
    const programs: ConeProgram[] = [];
    const solutions: ConeSolution[] = [];
    for (let e = 0; e < batch; e++) {
      const program = problemData(this.compiled, thetas.subarray(e * T, (e + 1) * T));
      const solution = solveScs(program, this.scsOptions, this.warmStart ? this.warm[e] : undefined);
      if (this.warmStart && isSolved(solution.status)) {
        this.warm[e] = { x: solution.x, y: solution.y, s: solution.s };
      }
      programs.push(program);
      solutions.push(solution);
    }
    const derivatives: (ConeProgramDerivative | undefined)[] = new Array(batch);
    const derivativeOptions = this.derivativeOptions;
    const compiled = this.compiled;
    return {
      x: solutions.map((s) => s.x),
      y: solutions.map((s) => s.y),
      statuses: solutions.map((s) => s.status),
      iterations: solutions.map((s) => s.stats.iterations),
      messages: solutions.map((s) => s.message),
      checks: solutions.map((s) => s.stats.check),
      dataGradients(dx, dy) {
        const out: (DataGradient | null)[] = [];
        for (let e = 0; e < batch; e++) {
          const gx = dx[e] ?? null;
          const gy = dy[e] ?? null;
          if (gx === null && gy === null) {
            out.push(null);
            continue;
          }
          const sol = solutions[e]!;
          // Only the 'best-effort' policy asks for the gradient of an unsolved
          // slot: differentiate at the point SCS returned, keeping its checked
          // status (the derivative throws for a non-finite point and the
          // caller drops the slot).
          const at = isSolved(sol.status) ? 'solved' : 'best-effort';
          let d = derivatives[e];
          try {
            if (d === undefined) {
              d = derivatives[e] = coneProgramDerivative(programs[e]!, sol, derivativeOptions, at);
              if (derivativeOptions.singular !== 'least-squares') assertUniqueThetaGradient(compiled, d);
            }
          } catch (err) {
            if (err instanceof SolverError) throw new SolverError(`batch element ${e}: ${err.message}`, err.status, e);
            throw err;
          }
          const m = sol.y.length;
          const n = sol.x.length;
          const g = d.adjoint({ dx: gx ?? new Float64Array(n), dy: gy ?? new Float64Array(m), ds: new Float64Array(m) });
          out.push({ dA: g.dA, db: g.db, dc: g.dc });
        }
        return out;
      },
    };
  }
}

/**
 * Relative size of J' (data of a null vector of Mhat') against J' (data of a
 * generic vector) above which the parameter gradient is ambiguous. Measured:
 * exact invariance (duplicated rows fed by one parameter) leaves ~3e-11, a
 * near-degenerate SOCP policy 2.5e-7 (solve and LSQR error), while genuinely
 * one-sided points (zero-width box, SOC apex) give 1 to 10.
 */
const AMBIGUITY_TOLERANCE = 1e-4;

/**
 * At a degenerate solution (Mhat singular) the adjoint vector r of
 * Mhat' r = g is determined only up to null(Mhat'). The parameter gradient
 * J' data(r) is still unique when J' data(n) = 0 for every null vector n
 * (e.g. multipliers split among duplicated rows that one parameter feeds);
 * otherwise it is arbitrary along J' data(n) — the solution map has only
 * one-sided derivatives there (a box of zero width, a second-order cone at its
 * apex) — and a least-squares pick would be a wrong gradient with no warning.
 * Probes two null directions; throws `SolverError` ('singular') when either
 * moves the parameter gradient.
 */
function assertUniqueThetaGradient(compiled: CompiledProblem, d: ConeProgramDerivative): void {
  if (d.status !== 'singular') return;
  for (const probe of d.adjointNullDirections(2)) {
    const moved = norm(thetaGradient(compiled, probe.null));
    const scale = norm(thetaGradient(compiled, probe.generic));
    if (moved > AMBIGUITY_TOLERANCE * Math.max(scale, 1e-300)) {
      throw new SolverError(
        `the solution is degenerate (the cone-program derivative M is singular) and the parameter gradient is not unique ` +
          `(a null direction of M' moves it by ${(moved / scale).toExponential(2)} relative): the solution map has only one-sided ` +
          `derivatives here; pass derivative option singular: 'least-squares' to accept the minimum-norm candidate`,
        'singular',
      );
    }
  }
}

function norm(v: Float64Array): number {
  let acc = 0;
  for (let i = 0; i < v.length; i++) acc += v[i]! * v[i]!;
  return Math.sqrt(acc);
}
