/**
 * Model predictive control written in the DSL, compiled once and re-solved
 * with new initial states:
 *
 *   minimize   sum_j q_j sum_t x_t[j]^2 + r sum_t |u_t|^2
 *   subject to x_{t+1} = A x_t + B u_t,  x_0 = x0,  |u_t|_inf <= uMax,  |x_t[i]| <= bound_i (t >= 1)
 *
 * `x0` is a parameter; with `learnableWeights` the state weights `q` are a
 * nonnegative parameter too (DPP: q_j is parameter-affine, the sum of squares
 * parameter-free, and the objective's quadratic part stays linear in q).
 */
import { Parameter, Problem, Variable, constant, minimize, parameter, sumSquares, variable, type Expression } from '../../dsl/index.js';
import { transposeToRows, type LinearSystem, type SystemBounds } from './linear_system.js';

export interface MpcSpec {
  readonly system: LinearSystem;
  readonly bounds: SystemBounds;
  readonly horizon: number;
  /** State weights q (length nx); the initial value when learnable. */
  readonly stateWeights: readonly number[];
  /** Input weight r. */
  readonly inputWeight: number;
  /** Make the state weights a nonnegative parameter `q` (for learning them). */
  readonly learnableWeights?: boolean;
}

export interface MpcProblem {
  readonly problem: Problem;
  /** Initial state parameter, shape [nx]. */
  readonly x0: Parameter;
  /** State weights, shape [nx] (a parameter only with learnableWeights). */
  readonly q: Parameter | undefined;
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
  const q = spec.learnableWeights ? parameter([sys.nx], { name: 'q', nonneg: true, value: [...spec.stateWeights] }) : undefined;
  const constraints = [
    X.slice([0, 1], [0, sys.nx]).reshape([sys.nx]).eq(x0),
    X.slice([1, T + 1], [0, sys.nx]).eq(
      X.slice([0, T], [0, sys.nx]).matmul(constant(transposeToRows(sys.A, sys.nx, sys.nx))).add(U.matmul(constant(transposeToRows(sys.B, sys.nx, sys.nu)))),
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
    objective = objective.add(q ? q.index(j).mul(columnCost) : columnCost.mul(spec.stateWeights[j]!));
  }
  return { problem: new Problem(minimize(objective), constraints), x0, q, X, U };
}
