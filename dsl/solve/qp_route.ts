import type { CompiledProblem, DataGradient } from '../compiled_problem.js';
import { problemData } from '../compile/problem_data.js';
import { SolverError, UnsupportedError, ValueError } from '../../solvers/errors.js';
import { isSolved } from '../../solvers/status.js';
import { solveQpBatch } from '../../solvers/qp/index.js';
import { resolveQpOptions } from '../../solvers/qp/qp_options.js';
import type { QpOptions } from '../../solvers/qp/qp_types.js';
import { EqualityElimination } from './equality_elimination.js';
import { QpDataMap } from './qp_data_map.js';
import { solveQpWithoutVariables } from './qp_without_variables.js';
import type { RouteSolution, RouteSolver } from './route_types.js';

/**
 * The LP/QP route: a problem whose cones are only zero and nonnegative is
 * compiled with its quadratic objective kept (P), mapped to OptNet form (see
 * `QpDataMap`) and solved for the whole batch by the float64 primal-dual
 * interior point method (Amos & Kolter, "OptNet", 2017). The backward pass
 * reuses the final KKT factorizations (`QpResult.backward`) and maps
 * dQ, dp, dG, dh, dA, db back to the conic data (dP, dc, dA on its pattern, db).
 * Gradients with respect to the duals are not available on this route (the
 * QP backward takes dl/dz only); `ConvexLayer` routes problems that return
 * duals to SCS under `solver: 'auto'`. Every backward solve's residual is
 * checked (`QpBackwardResult`); an example whose solve missed the tolerance
 * makes `dataGradients` throw a `SolverError` with its batch index and status
 * 'backward_inaccurate'. A problem with no variables left
 * (after the elimination) is decided by `solveQpWithoutVariables`.
 * P may depend on theta (`lam * sumSquares(x)`): Q is then built per batch
 * element, dQ flows back through the adjoint of the P map
 * (`thetaGradient`), and a parameter scaling P whose value breaks its
 * declared sign is refused with a `ValueError` naming it (P would be
 * indefinite).
 */
export class QpRoute implements RouteSolver {
  readonly route = 'qp' as const;
  readonly dualGradients = false;
  private readonly map: QpDataMap;
  private readonly elimination: EqualityElimination | undefined;
  /** The resolved QP tolerance (also the feasibility tolerance when no variables remain). */
  private readonly tol: number;

  /** Parameters that scale P (e.g. lam in lam * sumSquares(x)) and their declared sign. */
  private readonly signedPFactors: readonly SignedPFactor[];

  constructor(
    readonly compiled: CompiledProblem,
    private readonly qpOptions: QpOptions,
  ) {
    this.signedPFactors = signedPFactors(compiled);
    this.map = new QpDataMap(compiled);
    this.elimination = EqualityElimination.plan(compiled);
    this.tol = resolveQpOptions(qpOptions).tol;
  }

  solve(thetas: Float64Array, batch: number): RouteSolution {
    const T = this.compiled.thetaSize;
    checkPFactorSigns(this.signedPFactors, thetas, T, batch);
    const programs = [];
    for (let e = 0; e < batch; e++) programs.push(problemData(this.compiled, thetas.subarray(e * T, (e + 1) * T)));
    const full = this.map.toQpBatch(programs);
    const reduction = this.elimination?.reduce(full);
    const elim = reduction?.bound;
    const qp = reduction ? reduction.reduced : full;
    const result = qp.n === 0 ? solveQpWithoutVariables(qp, this.tol) : solveQpBatch(qp, this.qpOptions);
    const nz = qp.n;
    const nEqSolved = qp.nEq;
    const x: Float64Array[] = [];
    const y: Float64Array[] = [];
    for (let e = 0; e < batch; e++) {
      const z = result.z.slice(e * nz, (e + 1) * nz);
      const xe = elim ? elim.expandPrimal(z, e) : z;
      const nu = result.nu.subarray(e * nEqSolved, (e + 1) * nEqSolved);
      const nuFull = elim ? elim.expandEqualityDual(nu, xe, e) : nu;
      x.push(xe);
      y.push(this.map.conicDual(nuFull, result.lam.subarray(e * qp.nIneq, (e + 1) * qp.nIneq)));
    }
    const map = this.map;
    return {
      x,
      y,
      statuses: result.status,
      iterations: Array.from(result.iterations),
      // The solver's own message says why a status was lowered (e.g. a check on the original data).
      messages: result.status.map(
        (s, e) =>
          `QP interior point: ${s} after ${result.iterations[e]} iterations (KKT residual ${result.kktResidual[e]!.toExponential(2)})` +
          (s === 'optimal' ? '' : `: ${result.messages[e]}`),
      ),
      dataGradients(dx, dy) {
        if (dy.some((g) => g !== null && g.some((v) => v !== 0))) {
          throw new UnsupportedError("gradients with respect to duals are not available on the QP route; use solver: 'scs' (or 'auto')");
        }
        // The QP backward gives unsolved examples zero gradient; they get none here either.
        const wanted = dx.map((g, e) => (g && isSolved(result.status[e]!) ? g : null));
        const dlDz = new Float64Array(batch * nz);
        for (let e = 0; e < batch; e++) {
          const g = wanted[e];
          if (g) dlDz.set(elim ? elim.reduceCotangent(g, e) : g, e * nz);
        }
        const reducedGrads = result.backward(dlDz);
        // A backward solve that missed its residual tolerance gave that example zero gradient:
        // say so (the caller's failure policy decides), never return it as if it were exact.
        for (let e = 0; e < batch; e++) {
          if (wanted[e] && reducedGrads.backwardFailed[e]) {
            throw new SolverError(
              `batch element ${e}: the QP backward linear solve did not converge (relative residual ` +
                `${reducedGrads.backwardResidual[e]!.toExponential(2)})`,
              'backward_inaccurate',
              e,
            );
          }
        }
        const grads = elim ? elim.expandGradients(reducedGrads, x, wanted) : reducedGrads;
        const out: (DataGradient | null)[] = [];
        for (let e = 0; e < batch; e++) out.push(wanted[e] ? map.dataGradient(grads, e) : null);
        return out;
      },
    };
  }
}

/** A parameter P depends on, with the sign its declaration promises (which made the quadratic convex). */
interface SignedPFactor {
  readonly name: string;
  readonly offset: number;
  readonly size: number;
  readonly nonneg: boolean;
  readonly nonpos: boolean;
}

/** The declared-sign parameters whose theta columns appear in the P map. */
function signedPFactors(compiled: CompiledProblem): SignedPFactor[] {
  const pMap = compiled.pMap;
  if (!pMap) return [];
  const out: SignedPFactor[] = [];
  for (const slot of compiled.parameters) {
    const ref = slot.ref as { nonneg?: boolean; nonpos?: boolean };
    if (!ref.nonneg && !ref.nonpos) continue;
    const usesP = pMap.colPtr[slot.offset + slot.size]! > pMap.colPtr[slot.offset]!;
    if (usesP) out.push({ name: slot.ref.name, offset: slot.offset, size: slot.size, nonneg: ref.nonneg === true, nonpos: ref.nonpos === true });
  }
  return out;
}

/**
 * The DCP analysis kept a parametrized quadratic convex on the promise of the
 * parameter's sign; a value breaking it makes P indefinite, where the
 * interior point method has no meaningful answer. Throws a ValueError naming
 * the parameter, the batch element and the entry.
 */
function checkPFactorSigns(factors: readonly SignedPFactor[], thetas: Float64Array, T: number, batch: number): void {
  for (const f of factors) {
    for (let e = 0; e < batch; e++) {
      for (let i = 0; i < f.size; i++) {
        const v = thetas[e * T + f.offset + i]!;
        if ((f.nonneg && v < 0) || (f.nonpos && v > 0)) {
          throw new ValueError(
            `parameter ${f.name} scales a quadratic objective term and is declared ${f.nonneg ? 'nonneg' : 'nonpos'}, ` +
              `but batch element ${e} has ${v} at entry ${i}: the quadratic would not be convex (P indefinite)`,
          );
        }
      }
    }
  }
}
