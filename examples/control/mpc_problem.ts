/**
 * Model predictive control written in the DSL, compiled once and re-solved
 * with new initial states:
 *
 *   minimize   sum_j q_j sum_t x_t[j]^2 + r sum_t |u_t|^2
 *   subject to x_{t+1} = A x_t + B u_t,  x_0 = x0,  |u_t|_inf <= uMax,  |x_t[i]| <= bound_i (t >= 1)
 *
 * `x0` is a parameter; with `learnableDynamics` the matrices A and B are
 * parameters too (DPP: X A' is parameter-free times parameter-affine), so a
 * ConvexLayer can differentiate the plan with respect to the model.
 */
import { Parameter, Problem, Variable, constant, minimize, parameter, sumSquares, variable, type Expression } from 'optlayers/dsl';
import { transposeToRows, type LinearSystem, type SystemBounds } from './linear_system.js';

export interface MpcSpec {
  readonly system: LinearSystem;
  readonly bounds: SystemBounds;
  readonly horizon: number;
  /** State weights q (length nx). */
  readonly stateWeights: readonly number[];
  /** Input weight r. */
  readonly inputWeight: number;
  /** Make A and B parameters (initialized from the system) instead of constants. */
  readonly learnableDynamics?: boolean;
}

export interface MpcProblem {
  readonly problem: Problem;
  /** Initial state parameter, shape [nx]. */
  readonly x0: Parameter;
  /** Dynamics parameters A [nx, nx] and B [nx, nu] (only with learnableDynamics). */
  readonly dynamics: { readonly A: Parameter; readonly B: Parameter } | undefined;
  /** Planned states, shape [T + 1, nx]. */
  readonly X: Variable;
  /** Planned inputs, shape [T, nu]. */
  readonly U: Variable;
}

export function buildMpc(spec: MpcSpec): MpcProblem {
  const { system: sys, bounds, horizon: T } = spec;
  const X = variable([T + 1, sys.nx], 'X');
  const U = variable([T, sys.nu], 'U');
  const x0 = parameter([sys.nx], { name: 'x0' });
  const dynamics = spec.learnableDynamics
    ? { A: parameter([sys.nx, sys.nx], { name: 'A', value: sys.A }), B: parameter([sys.nx, sys.nu], { name: 'B', value: sys.B }) }
    : undefined;
  const At = dynamics ? dynamics.A.T : constant(transposeToRows(sys.A, sys.nx, sys.nx));
  const Bt = dynamics ? dynamics.B.T : constant(transposeToRows(sys.B, sys.nx, sys.nu));
  const constraints = [
    X.slice([0, 1], [0, sys.nx]).reshape([sys.nx]).eq(x0),
    X.slice([1, T + 1], [0, sys.nx]).eq(
      X.slice([0, T], [0, sys.nx]).matmul(At).add(U.matmul(Bt)),
    ),
    U.le(bounds.uMax),
    U.ge(-bounds.uMax),
  ];
  for (const { index, bound } of bounds.stateBounds) {
    // Rows 1..T only: x_0 is given, and a disturbed x_0 slightly outside a bound must not make the plan infeasible.
    const column = X.slice([1, T + 1], [index, index + 1]);
    constraints.push(column.le(bound), column.ge(-bound));
  }
  let objective: Expression = sumSquares(U).mul(spec.inputWeight);
  for (let j = 0; j < sys.nx; j++) {
    const columnCost = sumSquares(X.slice([0, T + 1], [j, j + 1]));
    objective = objective.add(columnCost.mul(spec.stateWeights[j]!));
  }
  return { problem: new Problem(minimize(objective), constraints), x0, dynamics, X, U };
}
