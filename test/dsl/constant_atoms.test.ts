/**
 * Issue 14, item 1: atoms whose arguments have no variables are numbers.
 * Canonicalization evaluates them (constants always; parameters when they are
 * frozen on the non-DPP path), and the DPP analysis gives an atom of
 * parameters the atom's curvature, so `-sumSquares(b)` in a minimize
 * objective is not DPP and `solve` freezes the parameters. Every expected
 * value below is a closed form.
 */
import * as E from 'fp-ts/lib/Either.js';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Problem,
  compileProblem,
  constant,
  entr,
  exp,
  initSolvers,
  invPos,
  log,
  maximize,
  minimize,
  norm1,
  norm2,
  parameter,
  power,
  quadForm,
  sqrt,
  square,
  sumSquares,
  variable,
} from '../../dsl/index.js';
import { DppError, ValueError } from '../../solvers/index.js';

beforeAll(async () => {
  await initSolvers();
});

const ROUTES = ['auto', 'qp', 'scs'] as const;

function solveOn(problem: Problem, solver: (typeof ROUTES)[number]) {
  return problem.solve({ solver, epsAbs: 1e-9, epsRel: 1e-9 });
}

describe('constant atoms are evaluated, never bounded from one side', () => {
  it.each(ROUTES)("maximize x s.t. x <= square(2), x <= 10 is 4 (route %s)", (solver) => {
    const x = variable(1, 'x');
    const r = solveOn(new Problem(maximize(x), [x.le(square(constant(2))), x.le(10)]), solver);
    expect(r.status).toBe('optimal');
    expect(r.value).toBeCloseTo(4, 6);
  });

  it.each(ROUTES)('minimize square(x) - square(3) is -9 (route %s)', (solver) => {
    const x = variable(1, 'x');
    const r = solveOn(new Problem(minimize(square(x).sub(square(constant(3))))), solver);
    expect(r.status).toBe('optimal');
    expect(r.value).toBeCloseTo(-9, 6);
  });

  it.each(ROUTES)('minimize power(0.62, 0.5) is +sqrt(0.62) (route %s)', (solver) => {
    const r = solveOn(new Problem(minimize(power(constant(0.62), 0.5))), solver);
    expect(r.status).toBe('optimal');
    expect(r.value).toBeCloseTo(Math.sqrt(0.62), 8);
  });

  it('every curvature of constant atom on either side: x in [entr(0.5) + log(2), norm1([1,-2]) + exp(0)]', () => {
    // lower = -0.5 log 0.5 + log 2 = 1.5 log 2 (concave atoms on the convex side), upper = 3 + 1 = 4.
    const x = variable(1, 'x');
    const lo = entr(constant(0.5)).add(log(constant(2)));
    const hi = norm1(constant([1, -2])).add(exp(constant(0)));
    for (const sense of ['min', 'max'] as const) {
      const p = new Problem(sense === 'min' ? minimize(x) : maximize(x), [x.ge(lo), x.le(hi), x.le(invPos(constant(0.1)))]);
      const r = p.solve({ epsAbs: 1e-9, epsRel: 1e-9 });
      expect(r.status).toBe('optimal');
      expect(r.value).toBeCloseTo(sense === 'min' ? 1.5 * Math.log(2) : 4, 6);
    }
  });

  it('quadForm and sqrt of constants in the objective next to a variable term', () => {
    const x = variable(2, 'x');
    const q = quadForm(constant([1, 2]), [
      [2, 1],
      [1, 3],
    ]); // 2 + 4 + 12 = 18
    const p = new Problem(minimize(sumSquares(x.sub([1, 1])).sub(q).add(sqrt(constant(9)))));
    for (const solver of ROUTES) {
      const r = solveOn(p, solver);
      expect(r.status).toBe('optimal');
      expect(r.value).toBeCloseTo(-15, 6);
    }
  });

  it('a constant atom outside its domain is a ValueError naming it', () => {
    const x = variable(1, 'x');
    expect(() => new Problem(minimize(x), [x.ge(log(constant(-1)))]).solve()).toThrow(ValueError);
    expect(() => new Problem(minimize(x), [x.ge(log(constant(-1)))]).solve()).toThrow(/log\(-1\)/);
  });

  it('the DPP layer case: v <= norm2([3, 4]) with a = [7, 1] gives v = [5, 1] through the DPP compile', () => {
    const v = variable(2, 'v');
    const a = parameter(2, { name: 'a', value: [7, 1] });
    const p = new Problem(minimize(sumSquares(v.sub(a))), [v.le(norm2(constant([3, 4])))]);
    expect(p.isDpp()).toBe(true);
    compileProblem(p); // the parametrized compile a ConvexLayer uses
    for (const solver of ROUTES) {
      const r = solveOn(p, solver);
      expect(r.status).toBe('optimal');
      expect(Array.from(v.value!.data).map((t) => Number(t.toFixed(6)))).toEqual([5, 1]);
      expect(r.value).toBeCloseTo(4, 6);
    }
  });
});

describe('parameter-only atoms: DPP says no, the frozen solve is right', () => {
  it('minimize sumSquares(y - b) - sumSquares(b) is not DPP (DppError naming sumSquares(b)) and solves to -|b|^2', () => {
    const y = variable(3, 'y');
    const b = parameter(3, { name: 'b', value: [1, 2, 3] });
    const p = new Problem(minimize(sumSquares(y.sub(b)).sub(sumSquares(b))));
    expect(p.isDcp()).toBe(true);
    const dpp = p.dppAnalysis();
    expect(E.isLeft(dpp) && dpp.left).toBeInstanceOf(DppError);
    expect(E.isLeft(dpp) && dpp.left.message).toMatch(/sumSquares\(b\)/);
    expect(() => compileProblem(p)).toThrow(DppError);
    for (const solver of ROUTES) {
      const r = solveOn(p, solver);
      expect(r.status).toBe('optimal');
      expect(r.value).toBeCloseTo(-14, 6);
    }
    // Frozen per solve: a new value of b is picked up.
    b.value = [0, 0, 2];
    expect(p.solve().value).toBeCloseTo(-4, 6);
  });

  it('maximize x s.t. x <= square(p): not DPP, the frozen solve gives p^2', () => {
    const x = variable(1, 'x');
    const q = parameter(1, { name: 'q', value: [3] });
    const p = new Problem(maximize(x), [x.le(square(q)), x.le(100)]);
    expect(p.isDpp()).toBe(false);
    expect(E.isLeft(p.dppAnalysis()) && (p.dppAnalysis() as E.Left<Error>).left).toBeInstanceOf(DppError);
    expect(p.solve().value).toBeCloseTo(9, 6);
  });

  it('a parameter atom with the right curvature stays DPP and parametrized: x >= square(p)', () => {
    const x = variable(1, 'x');
    const q = parameter(1, { name: 'q', value: [3] });
    const p = new Problem(minimize(x), [x.ge(square(q))]);
    expect(p.isDpp()).toBe(true);
    expect(p.solve({ epsAbs: 1e-9, epsRel: 1e-9 }).value).toBeCloseTo(9, 5);
    const compiles = p.compileCount;
    q.value = [-2];
    expect(p.solve({ epsAbs: 1e-9, epsRel: 1e-9 }).value).toBeCloseTo(4, 5);
    expect(p.compileCount).toBe(compiles);
  });
});
