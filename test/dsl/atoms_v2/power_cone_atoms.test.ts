/**
 * Issue 12, power cone: powCone constraints, geoMean, pnorm, harmonicMean,
 * invProd and power(x, p) across the ranges of p. Known answers come from
 * closed forms (AM-GM, Hölder duality, Lagrange stationarity), checked at
 * 1e-6; gradients through the ConvexLayer solution map against central
 * finite differences of the float64 solve.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DcpError,
  DppError,
  ValueError,
} from '../../../solvers/errors.js';
import {
  type Expression,
  Problem,
  geoMean,
  hstack,
  harmonicMean,
  invProd,
  maximize,
  minimize,
  parameter,
  pnorm,
  powCone,
  power,
  square,
  sum,
  variable,
  Pnorm,
  Norm1,
  Norm2,
  NormInf,
} from '../../../dsl/index.js';
import { initSolvers } from '../../../solvers/init.js';
import { isSolved } from '../../../solvers/status.js';
import { constraintViolation } from '../../../dsl/problem/solution_check.js';
import { expectScalarClose, expectVectorValue, solveTight } from '../known_answers/harness.js';
import { fdGradientError } from './fd_gradient.js';

beforeAll(async () => {
  await initSolvers();
});

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);
const lpNorm = (a: readonly number[], p: number) => Math.pow(a.reduce((s, v) => s + Math.abs(v) ** p, 0), 1 / p);

describe('powCone (PowCone3D)', () => {
  it('maximize z s.t. powCone(x, y, z, a), x + y == 1: x = a, y = 1 - a, z = a^a (1-a)^(1-a); dual in the dual cone', () => {
    const a = 0.3;
    const x = variable([], 'x');
    const y = variable([], 'y');
    const z = variable([], 'z');
    const cone = powCone(x, y, z, a);
    const problem = new Problem(maximize(z), [cone, x.add(y).eq(1)]);
    const value = solveTight(problem, 'powCone AM-GM');
    expectScalarClose(value, a ** a * (1 - a) ** (1 - a), 'value');
    expectScalarClose(x.value!.at(), a, 'x');
    expectScalarClose(y.value!.at(), 1 - a, 'y');
    const dual = Array.from(cone.dualValue!.data);
    expect([...cone.dualValue!.shape]).toEqual([1, 3]);
    const [u, v, w] = dual as [number, number, number];
    // The dual lies in K_a* and is complementary to s = (x, y, z).
    expect((u / a) ** a * (v / (1 - a)) ** (1 - a)).toBeGreaterThanOrEqual(Math.abs(w) * (1 - 1e-6));
    expect(Math.abs(u * a + v * (1 - a) + w * value)).toBeLessThan(1e-6);
  });

  it('vector cones with per-entry alphas and parameter data: z_i = c_i^a_i d_i^(1 - a_i)', () => {
    const alphas = [0.2, 0.5, 0.75];
    const c = parameter(3, { name: 'c', value: [1.5, 0.4, 2.0] });
    const d = parameter(3, { name: 'd', value: [0.7, 1.1, 3.0] });
    const x = variable(3, 'x');
    const y = variable(3, 'y');
    const z = variable(3, 'z');
    const problem = new Problem(maximize(sum(z)), [powCone(x, y, z, alphas), x.le(c), y.le(d)]);
    expect(problem.isDpp()).toBe(true);
    const expected = (cv: number[], dv: number[]) => cv.map((ci, i) => ci ** alphas[i]! * dv[i]! ** (1 - alphas[i]!));
    solveTight(problem, 'vector powCone');
    expectVectorValue(z.value, expected([1.5, 0.4, 2.0], [0.7, 1.1, 3.0]), 'z');
    c.value = [0.2, 2.5, 1.0];
    solveTight(problem, 'vector powCone, new c (no recompilation)');
    expectVectorValue(z.value, expected([0.2, 2.5, 1.0], [0.7, 1.1, 3.0]), 'z after update');
  });

  it("the post-solve check evaluates |z| <= x^a y^(1-a), x, y >= 0 on the user's expressions", () => {
    const x = variable(2, 'x');
    const cone = powCone(x, 1, x.index(0), 0.5);
    x.value = [1, 9];
    expect(constraintViolation([cone]).relative).toBe(0);
    // Entry 0: x = -1 < 0 and |z| = 1 > 0 = sqrt(max(0, x)): 1 / (1 + 1 + 1 + 1); entry 1: |z| = 1 > 0: 1 / (1 + 0 + 1 + 1).
    x.value = [-1, 0];
    expect(constraintViolation([cone]).relative).toBeCloseTo(1 / 3, 12);
    expect(constraintViolation([cone]).constraint).toBe(cone);
  });

  it('rejects bad alphas, a parameter alpha (DPP) and non-affine arguments (DCP)', () => {
    const x = variable(2);
    expect(() => powCone(x, x, x, 1)).toThrow(ValueError);
    expect(() => powCone(x, x, x, 0)).toThrow(ValueError);
    expect(() => powCone(x, x, x, [0.5])).toThrow(/alpha has 1 entries, expected 1 or 2/);
    expect(() => powCone(x, x, x, parameter([], { value: 0.5 }))).toThrow(DppError);
    const bad = new Problem(minimize(sum(x)), [powCone(square(x), x, x, 0.5)]);
    expect(bad.isDcp()).toBe(false);
    expect(() => bad.solve()).toThrow(DcpError);
    expect(() => bad.solve()).toThrow(/x square\(.*\) is convex, but must be affine/);
  });
});

describe('geoMean, harmonicMean, invProd', () => {
  it('maximize geoMean(x, p) s.t. sum(x) <= 1: x = w (= p / sum p), value prod w^w (weighted AM-GM)', () => {
    const p = [1, 2, 3, 0.5];
    const w = p.map((v) => v / 6.5);
    const x = variable(4, 'x');
    const problem = new Problem(maximize(geoMean(x, p)), [sum(x).le(1)]);
    const value = solveTight(problem, 'weighted geoMean');
    expectVectorValue(x.value, w, 'x');
    expectScalarClose(value, w.reduce((s, v) => s * v ** v, 1), 'value');
  });

  it('geoMean ignores zero weights (their entries are free) and equals the box corner', () => {
    const x = variable(3, 'x');
    const problem = new Problem(maximize(geoMean(x, [1, 0, 1])), [x.le([4, -7, 9])]);
    const value = solveTight(problem, 'geoMean zero weight');
    expectScalarClose(value, 6, 'value sqrt(4 * 9)');
    expect(geoMean([4, -7, 9], [1, 0, 1]).value!.at()).toBeCloseTo(6, 12);
  });

  it('domain boundaries: geoMean and harmonicMean force x >= 0 even where their value is slack', () => {
    for (const [name, atom] of [
      ['geoMean', (v: Expression) => geoMean(hstack(v, 1))],
      ['weighted geoMean', (v: Expression) => geoMean(hstack(v, 2), [0.3, 0.7])],
      ['harmonicMean', (v: Expression) => harmonicMean(hstack(v, 1))],
    ] as const) {
      const v = variable([], 'v');
      const problem = new Problem(minimize(v), [atom(v).ge(0), v.ge(-3)]);
      expectScalarClose(solveTight(problem, `${name} domain`), 0, `${name}: min v is the domain bound 0`);
    }
    expect(geoMean([1, -1]).value!.at()).toBe(-Infinity);
    expect(harmonicMean([1, -1]).value!.at()).toBe(-Infinity);
  });

  it('degenerate boundary (no dual attained): maximize geoMean(x) with x_0 = 0 is flagged or 0, never a wrong optimum', () => {
    const x = variable(2, 'x');
    const problem = new Problem(maximize(geoMean(x)), [x.index(0).eq(0), x.le(3)]);
    const result = problem.solve({ epsAbs: 1e-6, epsRel: 1e-6, maxIters: 20_000 });
    if (isSolved(result.status)) expect(Math.abs(result.value)).toBeLessThan(1e-4);
    else expect(result.status).toMatch(/max_iters|inaccurate|numerical_error/);
    // A single positive weight is x itself.
    const y = variable(3, 'y');
    const single = new Problem(maximize(geoMean(y, [0, 2, 0])), [y.le(5)]);
    expectScalarClose(solveTight(single, 'one weight'), 5, 'value');
  });

  it("maximize harmonicMean(x) s.t. c'x <= 1: x_i = 1 / (sqrt(c_i) sum sqrt c), value n / (sum sqrt c)^2", () => {
    const c = [0.5, 2, 1, 4];
    const roots = c.map(Math.sqrt);
    const s = roots.reduce((a, b) => a + b, 0);
    const x = variable(4, 'x');
    const problem = new Problem(maximize(harmonicMean(x)), [x.mul(c).sum().le(1)]);
    const value = solveTight(problem, 'harmonicMean');
    expectScalarClose(value, 4 / s ** 2, 'value');
    expectVectorValue(x.value, roots.map((r) => 1 / (r * s)), 'x');
    expect(harmonicMean([1, 0, 2]).value!.at()).toBe(0);
  });

  it("minimize invProd(x) s.t. c'x <= 1: x_i = 1 / (n c_i), value prod(n c_i)", () => {
    const c = [0.5, 2, 1.25];
    const x = variable(3, 'x');
    const problem = new Problem(minimize(invProd(x)), [x.mul(c).sum().le(1)]);
    const value = solveTight(problem, 'invProd');
    expectScalarClose(value, c.reduce((p, v) => p * 3 * v, 1), 'value');
    expectVectorValue(x.value, c.map((v) => 1 / (3 * v)), 'x');
    expect(invProd([2, 4]).value!.at()).toBeCloseTo(0.125, 12);
  });
});

describe('pnorm', () => {
  for (const p of [1.5, 3, 4.5]) {
    it(`minimize pnorm(x, ${p}) s.t. a'x == 1: value 1 / |a|_q (Hölder), x_i = sign(a_i)|a_i|^(q-1) / |a|_q^q`, () => {
      const a = [1.2, -0.7, 2.1, 0.4];
      const q = p / (p - 1);
      const nq = lpNorm(a, q);
      const x = variable(4, 'x');
      const problem = new Problem(minimize(pnorm(x, p)), [x.mul(a).sum().eq(1)]);
      const value = solveTight(problem, `pnorm ${p}`);
      expectScalarClose(value, 1 / nq, 'value');
      expectVectorValue(x.value, a.map((v) => (Math.sign(v) * Math.abs(v) ** (q - 1)) / nq ** q), 'x', 1e-5);
    });
  }

  it('projection onto the p-ball: minimize |x - b|^2 s.t. pnorm(x, 3) <= 1 satisfies the KKT conditions', () => {
    const b = [1.5, -0.8, 0.6];
    const x = variable(3, 'x');
    const problem = new Problem(minimize(sum(square(x.sub(b)))), [pnorm(x, 3).le(1)]);
    solveTight(problem, 'p-ball projection');
    const xs = Array.from(x.value!.data);
    expectScalarClose(lpNorm(xs, 3), 1, 'on the sphere');
    // b - x = mu * grad |x|_3 = mu * sign(x)|x|^2 (|x|_3 = 1): one mu for every entry.
    const mus = xs.map((v, i) => (b[i]! - v) / (Math.sign(v) * v * v));
    for (const m of mus) expectScalarClose(m, mus[0]!, 'common multiplier');
    expect(mus[0]!).toBeGreaterThan(0);
  });

  it('delegates p = 1, 2, Infinity and rejects p < 1; values agree with the definition', () => {
    const x = variable(3);
    expect(pnorm(x, 1)).toBeInstanceOf(Norm1);
    expect(pnorm(x, 2)).toBeInstanceOf(Norm2);
    expect(pnorm(x, 'inf')).toBeInstanceOf(NormInf);
    expect(pnorm(x, Infinity)).toBeInstanceOf(NormInf);
    expect(pnorm(x, 3)).toBeInstanceOf(Pnorm);
    expect(() => pnorm(x, 0.5)).toThrow(ValueError);
    expect(() => pnorm(x, Number.NaN)).toThrow(ValueError);
    expect(pnorm([3, -4, 12], 3).value!.at()).toBeCloseTo(lpNorm([3, -4, 12], 3), 12);
    expect(pnorm([1e200, 1e200], 3).value!.at()).toBeCloseTo(1e200 * 2 ** (1 / 3), -188);
    expect(pnorm([0, 0], 3).value!.at()).toBe(0);
  });
});

describe('power(x, p) for every real p (power cones)', () => {
  const c = [0.5, 1, 2.2];
  for (const p of [2.5, 7]) {
    it(`minimize sum(power(x, ${p})) - c'x: x = (c / p)^(1 / (p - 1)) (convex, p > 1)`, () => {
      const x = variable(3, 'x');
      const problem = new Problem(minimize(sum(power(x, p)).sub(x.mul(c).sum())));
      solveTight(problem, `power ${p}`);
      expectVectorValue(x.value, c.map((v) => (v / p) ** (1 / (p - 1))), 'x', 1e-5);
    });
  }
  it("maximize sum(power(x, 0.7)) - c'x: x = (0.7 / c)^(1 / 0.3) (concave, 0 < p < 1)", () => {
    const x = variable(3, 'x');
    const problem = new Problem(maximize(sum(power(x, 0.7)).sub(x.mul(c).sum())));
    solveTight(problem, 'power 0.7');
    expectVectorValue(x.value, c.map((v) => (0.7 / v) ** (1 / 0.3)), 'x', 1e-5);
  });
  it("minimize sum(power(x, -2)) + c'x: x = (c / 2)^(-1/3) (convex decreasing, p < 0)", () => {
    const x = variable(3, 'x');
    const problem = new Problem(minimize(sum(power(x, -2)).add(x.mul(c).sum())));
    solveTight(problem, 'power -2');
    expectVectorValue(x.value, c.map((v) => (v / 2) ** (-1 / 3)), 'x', 1e-5);
  });
  it('domains: 0 < p < 1 and p < 0 (values, infeasible range)', () => {
    const x = variable([], 'x');
    const below = new Problem(maximize(power(x, 0.4)), [x.le(-0.5)]);
    expect(below.solve().status).toMatch(/infeasible/);
    const minimal = new Problem(minimize(x), [power(x, -2.5).le(4), x.ge(-5)]);
    expectScalarClose(solveTight(minimal, 'power -2.5 bound'), 4 ** (1 / -2.5), 'min x s.t. x^-2.5 <= 4');
    expect(power(-1, 0.4).value!.at()).toBe(-Infinity);
    expect(power(0, -1.5).value!.at()).toBe(Infinity);
    expect(power(-2, 2.5).value!.at()).toBeCloseTo(2 ** 2.5, 12);
  });
});

describe('gradients through the ConvexLayer solution map match central differences', () => {
  it('powCone with parameter bounds (variables and the cone dual as outputs)', () => {
    const c = parameter(2, { name: 'c' });
    const x = variable(2, 'x');
    const y = variable(2, 'y');
    const z = variable(2, 'z');
    const cone = powCone(x, y, z, [0.35, 0.6]);
    const problem = new Problem(maximize(sum(z).sub(sum(square(x)).mul(0.1))), [cone, x.le(c), y.le(c.mul(0.5).add(1))]);
    const { worst, route } = fdGradientError({ problem, parameters: [c], variables: [x, z], duals: [cone], values: [[1.3, 0.8]] });
    expect(route).toBe('scs');
    expect(worst).toBeLessThan(1e-5);
  });
  it("geoMean s.t. c'x <= 1", () => {
    const c = parameter(3, { name: 'c' });
    const x = variable(3, 'x');
    const problem = new Problem(maximize(geoMean(x, [1, 2, 1.5])), [x.mul(c).sum().le(1)]);
    expect(fdGradientError({ problem, parameters: [c], variables: [x], values: [[0.8, 1.5, 1.1]] }).worst).toBeLessThan(1e-5);
  });
  it("pnorm(x, 3) s.t. a'x == 1", () => {
    const a = parameter(3, { name: 'a' });
    const x = variable(3, 'x');
    const problem = new Problem(minimize(pnorm(x, 3)), [x.mul(a).sum().eq(1)]);
    expect(fdGradientError({ problem, parameters: [a], variables: [x], values: [[1.2, -0.7, 2.1]] }).worst).toBeLessThan(1e-5);
  });
  it("harmonicMean and invProd s.t. c'x <= 1", () => {
    const c = parameter(3, { name: 'c' });
    const x = variable(3, 'x');
    const hm = new Problem(maximize(harmonicMean(x)), [x.mul(c).sum().le(1)]);
    expect(fdGradientError({ problem: hm, parameters: [c], variables: [x], values: [[0.5, 2, 1]] }).worst).toBeLessThan(1e-5);
    const ip = new Problem(minimize(invProd(x)), [x.mul(c).sum().le(1)]);
    expect(fdGradientError({ problem: ip, parameters: [c], variables: [x], values: [[0.5, 2, 1]] }).worst).toBeLessThan(1e-5);
  });
  it("power(x, 2.5) and power(x, -1.5) with a parameter linear term", () => {
    const c = parameter(2, { name: 'c' });
    const x = variable(2, 'x');
    const problem = new Problem(minimize(sum(power(x, 2.5)).add(sum(power(x, -1.5))).sub(x.mul(c).sum())));
    expect(fdGradientError({ problem, parameters: [c], variables: [x], values: [[0.9, 2.0]] }).worst).toBeLessThan(1e-5);
  });
});
