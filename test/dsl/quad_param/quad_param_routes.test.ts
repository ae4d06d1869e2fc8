import { beforeAll, describe, expect, it } from 'vitest';
import {
  Problem,
  compileProblem,
  exp,
  minimize,
  multiply,
  norm1,
  norm2,
  parameter,
  problemData,
  recoverVariables,
  quadForm,
  soc,
  sum,
  sumSquares,
  variable,
} from '../../../dsl/index.js';
import { EqualityElimination, QpRoute } from '../../../dsl/solve/index.js';
import { DcpError, ValueError, initSolvers } from '../../../solvers/index.js';
import { gaussian, portfolio, ridge, solveDense, spd } from './fixtures.js';

beforeAll(async () => {
  await initSolvers();
});

const qpTight = { solver: 'qp', epsAbs: 1e-10, epsRel: 1e-10 } as const;
const scsTight = { solver: 'scs', epsAbs: 1e-10, epsRel: 1e-10 } as const;

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    expect(Math.abs(got[i]! - want[i]!), `${what}[${i}]: ${got[i]} vs ${want[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i]!)));
  }
}

/** Dense P at theta, from the compiled pattern and values map (row-major n x n). */
function denseP(problem: Problem, theta: Float64Array): { P: Float64Array; n: number } {
  const compiled = compileProblem(problem, { quadObjective: true });
  const data = problemData(compiled, theta);
  const n = compiled.n;
  const P = new Float64Array(n * n);
  const p = data.P!;
  for (let j = 0; j < n; j++) for (let k = p.colPtr[j]!; k < p.colPtr[j + 1]!; k++) P[p.rowIndex[k]! * n + j] += p.values[k]!;
  return { P, n };
}

describe('a parameter times a quadratic compiles to an affine P(theta)', () => {
  it('lam * sumSquares(x) keeps P = 2 lam I on its block, linear in lam, with only zero/nonnegative cones', () => {
    const { problem } = ridge(3);
    const compiled = compileProblem(problem, { quadObjective: true });
    expect(compiled.quadratic).toBe(true);
    expect(compiled.cones.soc).toEqual([]);
    expect(compiled.pMap).toBeDefined();
    // theta = [b (6 entries); lam]: compare P at two lam values; the trace of P changes by 2 * 3 * dlam
    // (three entries of 2 lam) plus nothing else, since |A x - b|^2 contributes a constant 2 I block.
    const theta = (lam: number) => Float64Array.from([...new Array<number>(6).fill(0.5), lam]);
    const lamSlot = compiled.parameters.find((s) => s.ref.name === 'lam')!;
    const thetaAt = (lam: number) => {
      const t = theta(0);
      t[lamSlot.offset] = lam;
      return t;
    };
    const p0 = denseP(problem, thetaAt(0));
    const p1 = denseP(problem, thetaAt(1.5));
    const p2 = denseP(problem, thetaAt(3));
    let trace0 = 0;
    let trace1 = 0;
    for (let i = 0; i < p0.n; i++) {
      trace0 += p0.P[i * p0.n + i]!;
      trace1 += p1.P[i * p1.n + i]!;
    }
    expect(trace0).toBeCloseTo(2 * 6, 12);
    expect(trace1 - trace0).toBeCloseTo(2 * 3 * 1.5, 12);
    // Affine in theta: P(3) - P(1.5) = P(1.5) - P(0) entrywise.
    for (let k = 0; k < p0.P.length; k++) expect(p2.P[k]! - p1.P[k]!).toBeCloseTo(p1.P[k]! - p0.P[k]!, 12);
  });

  it('gamma * quadForm(x, Sigma) keeps P = 2 gamma Sigma (in solver sign for maximize)', () => {
    const { problem, Sigma } = portfolio(5, true);
    const compiled = compileProblem(problem, { quadObjective: true });
    expect(compiled.cones.soc).toEqual([]);
    const gammaSlot = compiled.parameters.find((s) => s.ref.name === 'gamma')!;
    const theta = new Float64Array(compiled.thetaSize);
    theta[gammaSlot.offset] = 0.7;
    const { P, n } = denseP(problem, theta);
    // The quadratic's block: the columns where P is nonzero, in order, hold 2 * 0.7 * Sigma.
    const block = [...Array(n).keys()].filter((i) => P[i * n + i] !== 0);
    expect(block.length).toBe(4);
    block.forEach((i, a) => block.forEach((j, b) => expect(P[i * n + j]).toBeCloseTo(2 * 0.7 * Sigma[a]![b]!, 12)));
  });

  it('scaled, summed and divided factored terms: lam*(|x - 1|^2 + x\'Sx) + (2 lam) |x|^2 / 4 solves like its closed form', () => {
    const x = variable(3, { name: 'x' });
    const lam = parameter([], { name: 'lam', nonneg: true });
    const S = spd(3, 9, 1);
    const objective = multiply(lam, sumSquares(x.sub(1)).add(quadForm(x, S)))
      .add(multiply(multiply(lam, 2), sumSquares(x)).div(4))
      .add(sum(x.mul([1, -2, 0.5])));
    const problem = new Problem(minimize(objective), []);
    expect(compileProblem(problem, { quadObjective: true }).cones.soc).toEqual([]);
    lam.value = 0.8;
    const r = problem.solve(qpTight);
    expect(r.solver).toBe('qp');
    expect(r.status).toBe('optimal');
    // Stationarity: 2 lam (x - 1) + 2 lam S x + lam x + q = 0  =>  (2 lam (1 + S) + lam) x = 2 lam 1 - q.
    const q = [1, -2, 0.5];
    const M = S.map((row, i) => row.map((v, j) => 2 * 0.8 * v + (i === j ? 2 * 0.8 + 0.8 : 0)));
    const rhs = q.map((qi) => 2 * 0.8 - qi);
    const want = solveDense(M, rhs);
    expectClose(x.value!.data, want, 1e-8, 'x');
  });
});

describe('routing of parametrized quadratics', () => {
  it("ridge: 'auto' takes the QP route and matches the closed form and SCS", () => {
    const { x, b, lam, problem, closedForm } = ridge(4);
    const bv = gaussian(1, 6, 40)[0]!;
    b.value = bv;
    for (const l of [0.05, 1, 20]) {
      lam.value = l;
      const want = closedForm(l, bv);
      const auto = problem.solve({ epsAbs: 1e-10, epsRel: 1e-10 });
      expect(auto.solver).toBe('qp');
      expect(auto.status).toBe('optimal');
      expectClose(x.value!.data, want, 1e-8, `qp x at lam ${l}`);
      const scs = problem.solve(scsTight);
      expect(scs.solver).toBe('scs');
      expectClose(x.value!.data, want, 1e-6, `scs x at lam ${l}`);
    }
  });

  it("portfolio: forced 'qp' matches the KKT closed form; long-only matches SCS", () => {
    const free = portfolio(6, false);
    const mu = [0.3, -0.1, 0.5, 0.2];
    free.mu.value = mu;
    free.gamma.value = 2.5;
    const r = free.problem.solve(qpTight);
    expect(r.solver).toBe('qp');
    expectClose(free.x.value!.data, free.closedForm(2.5, mu), 1e-8, 'free portfolio');
    const long = portfolio(6, true);
    long.mu.value = mu;
    long.gamma.value = 0.4;
    expect(long.problem.solve(qpTight).solver).toBe('qp');
    const viaQp = Float64Array.from(long.x.value!.data);
    const valueQp = long.problem.value!;
    long.problem.solve(scsTight);
    expectClose(viaQp, long.x.value!.data, 1e-6, 'long-only portfolio');
    expect(Math.abs(valueQp - long.problem.value!)).toBeLessThan(1e-7);
  });

  it('a factored part that is not purely quadratic is canonicalized whole and still solved correctly (SCS under auto)', () => {
    const x = variable(3, { name: 'x' });
    const lam = parameter([], { name: 'lam', nonneg: true });
    const problem = new Problem(minimize(multiply(lam, sumSquares(x.sub(2)).add(norm1(x))).add(sumSquares(x))), []);
    lam.value = 1;
    const r = problem.solve({ epsAbs: 1e-10, epsRel: 1e-10 });
    expect(r.solver).toBe('scs');
    // Separable: minimize (x - 2)^2 + |x| + x^2 per entry; x > 0 there, so 2(x - 2) + 1 + 2x = 0 gives x = 3/4.
    expectClose(x.value!.data, [0.75, 0.75, 0.75], 1e-6, 'x');
    expect(() => problem.solve({ solver: 'qp' })).toThrow(/the objective term sumSquares\(.*\) needs a second-order cone/);
  });

  it('a parameter of unknown sign times a quadratic is not DCP (the sign keeps it convex)', () => {
    const x = variable(2, { name: 'x' });
    const lam = parameter([], { name: 'lam' });
    lam.value = 1;
    expect(() => new Problem(minimize(multiply(lam, sumSquares(x))), []).solve()).toThrow(DcpError);
  });
});

describe('the QP route with a parameter-dependent P', () => {
  it('eliminates the columns a lam-scaled quadratic introduces and solves a batch with one lam per element', () => {
    const { b, problem, closedForm } = ridge(8);
    const compiled = compileProblem(problem, { quadObjective: true });
    // |A x - b|^2 brings 6 columns t = A x - b (constant pi = 2), lam |x|^2 brings 3 columns w = x (pi = 2 lam).
    expect(EqualityElimination.plan(compiled)!.elim.length).toBe(9);
    const bv = gaussian(1, 6, 81)[0]!;
    b.value = bv;
    const lams = [0, 0.5, 30];
    const T = compiled.thetaSize;
    const thetas = new Float64Array(lams.length * T);
    const lamSlot = compiled.parameters.find((s) => s.ref.name === 'lam')!;
    const bSlot = compiled.parameters.find((s) => s.ref.name === 'b')!;
    lams.forEach((l, e) => {
      thetas[e * T + lamSlot.offset] = l;
      thetas.set(bv, e * T + bSlot.offset);
    });
    const solved = new QpRoute(compiled, { tol: 1e-11 }).solve(thetas, lams.length);
    const xSlot = compiled.variables[0]!;
    lams.forEach((l, e) => {
      expect(solved.statuses[e]).toBe('optimal');
      const x = recoverVariables(compiled, solved.x[e]!)[0]!;
      expect(xSlot.ref.name).toBe('x');
      expectClose(x, closedForm(l, bv), 1e-8, `x at lam ${l}`);
    });
  });
});

describe('negative factor values are refused with a ValueError naming the parameter', () => {
  it('at assignment, and on the QP route when theta bypasses the parameter', () => {
    const { lam, problem } = ridge(7);
    expect(() => (lam.value = -1)).toThrow(ValueError);
    expect(() => (lam.value = -1)).toThrow(/lam/);
    const compiled = compileProblem(problem, { quadObjective: true });
    const route = new QpRoute(compiled, {});
    const slot = compiled.parameters.find((s) => s.ref.name === 'lam')!;
    const thetas = new Float64Array(2 * compiled.thetaSize).fill(0.3);
    thetas[compiled.thetaSize + slot.offset] = -0.5;
    expect(() => route.solve(thetas, 2)).toThrow(ValueError);
    expect(() => route.solve(thetas, 2)).toThrow(/parameter lam scales a quadratic objective term .* batch element 1 has -0.5/);
    thetas[compiled.thetaSize + slot.offset] = 0.5;
    expect(route.solve(thetas, 2).statuses).toEqual(['optimal', 'optimal']);
  });
});

describe("forced 'qp' names the term that needs a cone it cannot take", () => {
  it('an exponential-cone objective term', () => {
    const x = variable(2, { name: 'x' });
    const problem = new Problem(minimize(sum(exp(x)).add(sumSquares(x))), [x.ge(-1)]);
    const term = `${exp(x)}`;
    expect(() => problem.solve({ solver: 'qp' })).toThrow(ValueError);
    expect(() => problem.solve({ solver: 'qp' })).toThrow(`the objective term ${term} needs an exponential cone`);
  });

  it('a second-order-cone constraint, written with norm2 or soc', () => {
    const x = variable(3, { name: 'x' });
    const t = variable([], { name: 't' });
    const viaNorm = norm2(x).le(t);
    const p1 = new Problem(minimize(t.add(sum(x))), [viaNorm]);
    expect(() => p1.solve({ solver: 'qp' })).toThrow(`the constraint ${viaNorm} needs a second-order cone for ${norm2(x)}`);
    const viaSoc = soc(t, x);
    const p2 = new Problem(minimize(t.add(sum(x))), [viaSoc]);
    expect(() => p2.solve({ solver: 'qp' })).toThrow(`the constraint ${viaSoc} is a second-order cone`);
  });

  it('a non-affine (even LP-representable) constraint, which keeps the quadratic objective from being kept as P', () => {
    const x = variable(3, { name: 'x' });
    const lam = parameter([], { name: 'lam', nonneg: true });
    const ball = norm1(x).le(1);
    const problem = new Problem(minimize(multiply(lam, sumSquares(x.sub(1)))), [ball]);
    lam.value = 1;
    expect(() => problem.solve({ solver: 'qp' })).toThrow(
      `the constraint ${ball} is not affine, so the objective's quadratic terms are not kept as P and the objective term ${sumSquares(x.sub(1))} needs a second-order cone`,
    );
    // SCS still solves it: the projection of (1, 1, 1) onto the l1 ball is (1/3, 1/3, 1/3).
    expect(problem.solve({ epsAbs: 1e-10, epsRel: 1e-10 }).solver).toBe('scs');
    expectClose(x.value!.data, [1 / 3, 1 / 3, 1 / 3], 1e-6, 'x');
  });
});
