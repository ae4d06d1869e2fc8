import { beforeAll, describe, expect, it } from 'vitest';
import {
  Problem,
  constant,
  exp,
  maximize,
  minimize,
  norm1,
  norm2,
  compileProblem,
  parameter,
  sum,
  sumSquares,
  variable,
  type Constraint,
  type Variable,
} from '../../../dsl/index.js';
import type { SolveOptions } from '../../../dsl/problem/solve_options.js';
import { resolveSolveOptions } from '../../../dsl/problem/solve_options.js';
import { CompiledSolver, ScsRoute } from '../../../dsl/solve/index.js';
import { initSolvers, ValueError } from '../../../solvers/index.js';
import { mulberry32 } from '../random_affine.js';

beforeAll(async () => {
  await initSolvers();
});

/** SCS at a tolerance tight enough that its answer is a reference to ~1e-7. */
const scsTight: SolveOptions = { solver: 'scs', epsAbs: 1e-10, epsRel: 1e-10 };
const qpTight: SolveOptions = { solver: 'qp', epsAbs: 1e-10, epsRel: 1e-10 };

interface Snapshot {
  readonly status: string;
  readonly solver: string;
  readonly value: number;
  readonly variables: Float64Array[];
  readonly duals: Float64Array[];
}

function solveAndRead(problem: Problem, variables: readonly Variable[], constraints: readonly Constraint[], options: SolveOptions): Snapshot {
  const r = problem.solve(options);
  return {
    status: r.status,
    solver: r.solver,
    value: r.value,
    variables: variables.map((v) => Float64Array.from(v.value!.data)),
    duals: constraints.map((c) => Float64Array.from(c.dualValue!.data)),
  };
}

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  expect(a.length, what).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    expect(Math.abs(a[i]! - b[i]!), `${what}[${i}]: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(b[i]!)));
  }
}

/** Solves with 'qp' and with tight 'scs' and checks value, variables and duals agree to 1e-6. */
function expectRoutesAgree(problem: Problem, variables: readonly Variable[], constraints: readonly Constraint[]): Snapshot {
  const qp = solveAndRead(problem, variables, constraints, qpTight);
  const scs = solveAndRead(problem, variables, constraints, scsTight);
  expect(qp.solver).toBe('qp');
  expect(scs.solver).toBe('scs');
  expect(qp.status).toBe('optimal');
  expect(scs.status).toBe('optimal');
  expect(Math.abs(qp.value - scs.value)).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(scs.value)));
  qp.variables.forEach((v, i) => expectClose(v, scs.variables[i]!, 1e-6, `variable ${variables[i]!.name}`));
  // Duals to 5e-6: the MPC's multipliers are ill-conditioned (about 1e3 x the KKT
  // residual), and the QP route stops at a KKT residual of ~2e-9 while SCS's
  // point is checked to 1e-9 on the unscaled data; they differ by up to 2e-6.
  qp.duals.forEach((d, i) => expectClose(d, scs.duals[i]!, 5e-6, `dual of constraint ${i}`));
  // 'auto' takes the QP route for an LP/QP and reproduces its answer.
  const auto = solveAndRead(problem, variables, constraints, { epsAbs: 1e-10, epsRel: 1e-10 });
  expect(auto.solver).toBe('qp');
  expectClose(auto.variables[0]!, qp.variables[0]!, 1e-9, 'auto vs qp');
  return qp;
}

/** A double-integrator MPC QP: states X [T+1, 2], inputs U [T, 1], |u| <= 1, |velocity| <= vMax. */
function mpcProblem(T: number, vMax: number) {
  const dt = 0.1;
  const X = variable([T + 1, 2], 'X');
  const U = variable([T, 1], 'U');
  const x0 = parameter([2], { name: 'x0' });
  const At = constant([
    [1, 0],
    [dt, 1],
  ]);
  const Bt = constant([[0.5 * dt * dt, dt]]);
  const velocity = X.slice([1, T + 1], [1, 2]);
  const constraints = [
    X.slice([0, 1], [0, 2]).reshape([2]).eq(x0),
    X.slice([1, T + 1], [0, 2]).eq(X.slice([0, T], [0, 2]).matmul(At).add(U.matmul(Bt))),
    U.le(1),
    U.ge(-1),
    velocity.le(vMax),
    velocity.ge(-vMax),
  ];
  const objective = sumSquares(X.slice([0, T + 1], [0, 1])).add(sumSquares(X.slice([0, T + 1], [1, 2])).mul(0.1)).add(sumSquares(U).mul(0.1));
  return { problem: new Problem(minimize(objective), constraints), X, U, x0, constraints };
}

describe("problem.solve: 'qp' and 'scs' routes agree", () => {
  it('an LP with a known vertex and duals', () => {
    const x = variable(2, 'x');
    const c1 = x.index(0).add(x.index(1).mul(2)).le(4);
    const c2 = x.index(0).mul(3).add(x.index(1)).le(6);
    const c3 = x.ge(0);
    const problem = new Problem(maximize(sum(x)), [c1, c2, c3]);
    const qp = expectRoutesAgree(problem, [x], [c1, c2, c3]);
    // Vertex where both constraints are active: x = (8/5, 6/5); 1 = l1 + 3 l2 = 2 l1 + l2.
    expectClose(qp.variables[0]!, [1.6, 1.2], 1e-8, 'x');
    expect(qp.value).toBeCloseTo(2.8, 8);
    expectClose(qp.duals[0]!, [0.4], 1e-8, 'dual 1');
    expectClose(qp.duals[1]!, [0.2], 1e-8, 'dual 2');
    expectClose(qp.duals[2]!, [0, 0], 1e-8, 'dual of x >= 0');
  });

  it('an equality- and inequality-constrained QP (projection onto a box-clipped affine set)', () => {
    const rng = mulberry32(5);
    const n = 6;
    const x = variable(n, 'x');
    const a = parameter(n, { name: 'a' });
    const F = constant(Array.from({ length: 2 }, () => Array.from({ length: n }, () => rng() * 2 - 1)));
    const eq = F.matmul(x).eq([0.3, -0.2]);
    const upper = x.le(0.25);
    const lower = x.ge(-0.5);
    const problem = new Problem(minimize(sumSquares(x.sub(a)).add(sum(x).mul(0.1))), [eq, upper, lower]);
    for (let trial = 0; trial < 3; trial++) {
      a.value = Array.from({ length: n }, () => 2 * rng() - 1);
      const qp = expectRoutesAgree(problem, [x], [eq, upper, lower]);
      // Some inequality is active (a is often outside the box), else the test would not exercise lam.
      if (trial === 0) expect(Math.max(...qp.duals[1]!, ...qp.duals[2]!)).toBeGreaterThan(1e-3);
      // Equality duals are free; inequality duals are non-negative (CVXPY's sign convention).
      for (const d of [...qp.duals[1]!, ...qp.duals[2]!]) expect(d).toBeGreaterThanOrEqual(-1e-9);
    }
  });

  it('a least-squares QP with a maximize objective and a scalar equality', () => {
    const x = variable(3, 'x');
    const eq = sum(x).eq(1);
    const cap = x.le(0.6);
    const problem = new Problem(maximize(sumSquares(x.sub([1, 0, -1])).mul(-1).add(x.index(2))), [eq, cap]);
    expectRoutesAgree(problem, [x], [eq, cap]);
  });

  it('an MPC-like QP with input and state bounds, re-solved for several initial states', () => {
    const mpc = mpcProblem(12, 0.8);
    // Starts where input and velocity bounds are active with strictly positive
    // multipliers. (From e.g. x0 = (3, -0.5) the optimum is degenerate: the
    // optimal value has a kink in x0, so the multipliers are not unique and the
    // two routes may return different, equally valid duals.)
    for (const start of [
      [2, 0],
      [-1.5, 0],
      [2, 0.3],
    ]) {
      mpc.x0.value = start;
      const qp = expectRoutesAgree(mpc.problem, [mpc.U, mpc.X], mpc.constraints);
      expect(Math.max(...qp.variables[0]!.map(Math.abs))).toBeLessThanOrEqual(1 + 1e-8);
      expect(Math.max(...[2, 3].flatMap((i) => Array.from(qp.duals[i]!)))).toBeGreaterThan(1); // an input bound is active
    }
    expect(mpc.problem.compileCount).toBe(2); // quadratic form (QP route) and linear form (SCS route), each once
  });
});

describe("problem.solve: route choice and the QP route's statuses", () => {
  it("'auto' uses SCS for second-order and exponential cone problems", () => {
    const x = variable(2, 'x');
    const socp = new Problem(minimize(norm2(x.sub([3, 4]))), [x.le(1)]);
    const r1 = socp.solve();
    expect(r1.solver).toBe('scs');
    expect(r1.value).toBeCloseTo(Math.hypot(2, 3), 6);
    const y = variable(undefined, 'y');
    const expo = new Problem(minimize(exp(y).sub(y.mul(2))));
    const r2 = expo.solve();
    expect(r2.solver).toBe('scs');
    expect(y.value!.at()).toBeCloseTo(Math.log(2), 5);
  });

  it("forcing 'qp' on an SOCP throws a ValueError naming the cones", () => {
    const x = variable(2, 'x');
    const socp = new Problem(minimize(norm2(x)), [x.ge(1)]);
    expect(() => socp.solve({ solver: 'qp' })).toThrow(ValueError);
    expect(() => socp.solve({ solver: 'qp' })).toThrow(/1 second-order \(sizes 3\)/);
  });

  it('reports infeasible and unbounded LPs with CVXPY values and clears the variables', () => {
    const x = variable(2, 'x');
    const c = x.ge(1);
    const feasible = new Problem(minimize(sum(x)), [c]);
    expect(feasible.solve({ solver: 'qp' }).status).toBe('optimal');
    expect(x.value).toBeDefined();
    const infeasible = new Problem(minimize(sum(x)), [c, sum(x).le(1)]);
    const r1 = infeasible.solve({ solver: 'qp' });
    expect(r1).toMatchObject({ status: 'infeasible', value: Infinity, solver: 'qp' });
    expect(infeasible.status).toBe('infeasible');
    expect(x.value).toBeUndefined();
    expect(c.dualValue).toBeUndefined();
    const unbounded = new Problem(maximize(sum(x)), [c]);
    expect(unbounded.solve({ solver: 'qp' })).toMatchObject({ status: 'unbounded', value: Infinity });
    const unboundedMin = new Problem(minimize(x.index(0).sub(x.index(1))), [c]);
    expect(unboundedMin.solve()).toMatchObject({ status: 'unbounded', value: -Infinity, solver: 'qp' });
  });

  it('solves problems without variables and non-DPP problems on the QP route', () => {
    const p = parameter(undefined, { name: 'p', value: 2.5 });
    expect(new Problem(maximize(p.mul(2))).solve()).toMatchObject({ status: 'optimal', value: 5, solver: 'qp' });
    const x = variable(undefined, 'x');
    const nonDpp = new Problem(minimize(p.mul(p).mul(x)), [x.ge(1)]);
    expect(nonDpp.isDpp()).toBe(false);
    expect(nonDpp.solve()).toMatchObject({ status: 'optimal', solver: 'qp' });
    expect(nonDpp.value).toBeCloseTo(6.25, 8);
  });

  it('reports QP iterations, hits its iteration limit as a status, and ignores warmStart', () => {
    const mpc = mpcProblem(10, 0.8);
    mpc.x0.value = [3, -0.5];
    const cold = mpc.problem.solve();
    expect(cold.solver).toBe('qp');
    expect(cold.iterations).toBeGreaterThan(3);
    expect(cold.iterations).toBeLessThan(50);
    const again = mpc.problem.solve({ warmStart: true });
    expect(again.iterations).toBe(cold.iterations);
    expect(again.value).toBe(cold.value);
    const capped = mpc.problem.solve({ solver: 'qp', maxIters: 2 });
    expect(capped.status).toBe('max_iters');
    expect(capped.value).toBeNaN();
    expect(mpc.U.value).toBeUndefined();
  });

  it('resolves and validates the solver option and maps tolerances to the QP tolerance', () => {
    expect(resolveSolveOptions().solver).toBe('auto');
    expect(resolveSolveOptions({ epsAbs: 1e-7, epsRel: 1e-6 }).qp).toEqual({ tol: 1e-7 });
    expect(resolveSolveOptions({ epsRel: 1e-3, maxIters: 20 }).qp).toEqual({ tol: 1e-3, tolInaccurate: 1e-3, maxIters: 20 });
    expect(resolveSolveOptions({}).qp).toEqual({});
    expect(() => resolveSolveOptions({ solver: 'osqp' as never })).toThrow(/solver must be one of auto, scs, qp/);
    expect(() => resolveSolveOptions({ epsRel: 0 })).toThrow(/epsRel/);
    expect(() => resolveSolveOptions({ maxIters: 1.5 })).toThrow(/maxIters/);
  });
});

describe('quadratic objective with other convex terms', () => {
  it('keeps sumSquares in P and norm1 in cones, so a lasso goes to the QP route and matches SCS', () => {
    const rand = mulberry32(21);
    const A = Array.from({ length: 6 }, () => Array.from({ length: 4 }, () => rand() * 2 - 1));
    const b = parameter(6, { name: 'b', value: Array.from({ length: 6 }, () => rand() * 2 - 1) });
    const x = variable(4, 'x');
    const budget = sum(x).le(1);
    const problem = new Problem(minimize(sumSquares(constant(A).matmul(x).sub(b)).add(norm1(x).mul(0.1))), [x.ge(-1), budget]);
    const compiled = compileProblem(problem, { quadObjective: true });
    expect(compiled.quadratic).toBe(true);
    expect(compiled.cones.soc).toEqual([]);
    expect(compiled.cones.exp + compiled.cones.power.length).toBe(0);
    const viaQp = problem.solve({ solver: 'auto', epsAbs: 1e-10, epsRel: 1e-10 });
    expect(viaQp.solver).toBe('qp');
    expect(viaQp.status).toBe('optimal');
    const xQp = Array.from(x.value!.data);
    const dualQp = budget.dualValue!.at();
    const viaScs = problem.solve({ solver: 'scs', epsAbs: 1e-10, epsRel: 1e-10, maxIters: 200_000 });
    expect(viaScs.status).toBe('optimal');
    expect(viaQp.value).toBeCloseTo(viaScs.value, 6);
    xQp.forEach((v, i) => expect(v).toBeCloseTo(x.value!.data[i]!, 5));
    expect(dualQp).toBeCloseTo(budget.dualValue!.at(), 5);
  });
});

describe('SCS route: statuses checked on the unscaled data, passed through the DSL', () => {
  it("huge data scales: x >= 1e10 and 'v <= 1e30' as no bound solve to the closed form on the 'scs' route", () => {
    const x = variable(undefined, 'x');
    const far = new Problem(minimize(x), [x.ge(1e10)]);
    const r = far.solve({ solver: 'scs' });
    expect(r.status).toBe('optimal');
    expect(Math.abs(x.value!.at() - 1e10) / 1e10).toBeLessThan(1e-8);
    const v = variable(2, 'v');
    const loose = new Problem(minimize(sum(v)), [v.ge(-1), v.le(1e30)]);
    expect(loose.solve({ solver: 'scs' }).status).toBe('optimal');
    for (const vi of v.value!.data) expect(vi).toBeCloseTo(-1, 7);
    const infeasible = new Problem(minimize(x), [x.ge(2e10), x.le(1e10)]);
    expect(infeasible.solve({ solver: 'scs' })).toMatchObject({ status: 'infeasible', value: Infinity });
  });

  it('a problem that is both primal and dual infeasible is reported infeasible (value +Infinity), not unbounded', () => {
    // exp(x) <= -1 has no solution, yet x -> -infinity is a recession direction
    // of the exponential cone with negative cost, so SCS says UNBOUNDED.
    const x = variable(2, 'x');
    const p = new Problem(minimize(sum(x)), [exp(x).le(-1)]);
    const r = p.solve({ solver: 'scs' });
    // The certificate search converges slowly on the exponential cone's boundary:
    // its measure ends near tolCertificate, so either grade is right; never 'unbounded'.
    expect(['infeasible', 'infeasible_inaccurate']).toContain(r.status);
    expect(r.value).toBe(Infinity);
    expect(r.message).toMatch(/infeasibility certificate verified/);
  });

  it('CompiledSolver and ScsRoute report the residual check behind each status', () => {
    const x = variable(2, 'x');
    const problem = new Problem(minimize(norm2(x.sub([3, 4]))), [x.le(1)]);
    const compiled = compileProblem(problem, { quadObjective: false });
    const solver = new CompiledSolver();
    const theta = new Float64Array(compiled.thetaSize);
    const good = solver.solve(compiled, 'scs', theta, { scs: {}, qp: {}, warmStart: false });
    expect(good.status).toBe('optimal');
    expect(good.check).toBeDefined();
    expect(Math.max(good.check!.primal, good.check!.dual, good.check!.gap)).toBeLessThanOrEqual(good.check!.tolerance);
    // Independent evidence: the optimal value |(1,1) - (3,4)| = sqrt(13) from the returned x.
    const xv = Array.from(good.x.subarray(0, 3));
    expect(Math.min(...xv.map((v) => Math.abs(v - Math.sqrt(13))))).toBeLessThan(1e-6);
    const capped = solver.solve(compiled, 'scs', theta, { scs: { maxIters: 3 }, qp: {}, warmStart: false });
    expect(capped.status).toBe('max_iters');
    expect(Math.max(capped.check!.primal, capped.check!.dual, capped.check!.gap)).toBeGreaterThan(capped.check!.inaccurateTolerance);
    const route = new ScsRoute(compiled, { maxIters: 3 }, {}, false);
    const batch = route.solve(new Float64Array(0), 1);
    expect(batch.statuses[0]).toBe('max_iters');
    expect(batch.checks![0]!.inaccurateTolerance).toBe(1e-5);
    expect(() => route.solve(new Float64Array(0), 1) && new ScsRoute(compiled, { max_iters: 3 } as never, {}, false).solve(theta, 1)).toThrow(
      /unknown SCS option 'max_iters'/,
    );
  });
});
