/**
 * Minimal repros of what the DSL fuzzer's 'extended' campaigns (issue 12
 * atoms, `npm run fuzz -- --target dsl --atoms extended`) found, each kept
 * as a regression once fixed. Expected values are closed forms.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Problem, initSolvers, minimize, powCone, square, variable, xexp } from '../../../dsl/index.js';
import { VIOLATION_OK, constraintViolation } from '../../../dsl/problem/solution_check.js';
import { DcpError } from '../../../solvers/errors.js';

beforeAll(async () => {
  await initSolvers();
});

describe('powCone post-solve check with a small exponent (fuzz seed 255 case 21, atoms extended)', () => {
  // |z| <= x^a y^(1-a) is steep at x = 0 for small a: x = 1e-9 already allows |z| = 1e-9^0.13 y^0.87 = 0.07 y^0.87.
  // The check used the plain gap |z| - max(x, 0)^a y^(1-a), so a solver point 1e-10 below x = 0 read as violated
  // by |z| (relative 2e-2) and a correct SCS solve came back 'numerical_error'.

  it('minimize x s.t. powCone(x, y, z, 0.1), z = 0.0374, y = 0.552: optimal, x = (|z| / y^0.9)^10 = 1.1e-12', () => {
    const x = variable([], 'x');
    const y = variable([], 'y');
    const z = variable([], 'z');
    const problem = new Problem(minimize(x), [powCone(x, y, z, 0.1), z.eq(0.0374), y.eq(0.552)]);
    const result = problem.solve({ solver: 'scs' });
    expect(result.status, result.message).toBe('optimal');
    const exact = (0.0374 / 0.552 ** 0.9) ** 10;
    expect(exact).toBeCloseTo(1.1253e-12, 15);
    expect(Math.abs(result.value - exact)).toBeLessThan(1e-8);
    expect(z.value!.at()).toBeCloseTo(0.0374, 8);
  });

  it('a point 1.3e-9 below x = 0 is within 2e-9 of the cone; points truly outside still are not', () => {
    const x = variable([], 'x');
    const y = variable([], 'y');
    const z = variable([], 'z');
    const cone = powCone(x, y, z, 0.13);
    const at = (a: number, b: number, c: number) => {
      x.value = [a];
      y.value = [b];
      z.value = [c];
      return constraintViolation([cone]).relative;
    };
    // SCS's point in the fuzz case: x = (|z| / y^0.87)^(1/0.13) = 5.6e-10 is inside, so x is 1.3e-9 (its negative part)
    // plus 5.6e-10 from the cone; the check reports the larger of the two.
    const inside = (0.03741 / 0.55208 ** 0.87) ** (1 / 0.13);
    expect(inside ** 0.13 * 0.55208 ** 0.87).toBeCloseTo(0.03741, 12);
    const v = at(-1.3111e-9, 0.55208, 0.03741);
    expect(v).toBeLessThan(VIOLATION_OK);
    expect(inside).toBeGreaterThan(5e-10);
    expect(v).toBeCloseTo(1.3111e-9 / (1 + 1.3111e-9 + 0.55208 + 0.03741), 15);
    // x = -1e-3: 1e-3 outside whatever z is.
    expect(at(-1e-3, 0.55208, 0.03741)).toBeCloseTo(1e-3 / (1 + 1e-3 + 0.55208 + 0.03741), 12);
    // y = 0 < |z| = 0.5 with x = 1, a = 0.13: x cannot help; y must rise to (0.5 / 1^0.13)^(1/0.87) = 0.4504, z fall by 0.5.
    expect(at(1, 0, 0.5)).toBeCloseTo(0.5 ** (1 / 0.87) / 2.5, 12);
    // Far outside: x = y = 1, |z| = 3 needs z to move by 2 (x would move 3^(1/0.13) - 1, y 3^(1/0.87) - 1 = 2.53).
    expect(at(1, 1, 3)).toBeCloseTo(2 / 6, 12);
  });
});

describe('xexp of a convex argument of unknown sign (found triaging fuzz seed 2027 case 688, atoms extended)', () => {
  // xexp was 'increasing' whatever its argument, so xexp(convex) passed DCP; but its extended value (+Infinity for
  // x < 0) is not increasing, and xexp(x^2 - 1) lives on the nonconvex set |x| >= 1. The epigraph form t >= x^2,
  // t - 1 >= 0 then solved at x = 0 (outside the domain) and reported 'optimal' with value 0; the true minimum
  // of xexp(x^2 - 1) + x^2 is 1 at x = +-1 (xexp(0) + 1).

  it('xexp(square(x) - 1) + square(x) is not DCP (DcpError naming xexp), instead of a wrong optimum 0', () => {
    const x = variable([], 'x');
    const problem = new Problem(minimize(xexp(square(x).sub(1)).add(square(x))), [x.ge(-2), x.le(2)]);
    expect(problem.isDcp()).toBe(false);
    expect(() => problem.solve()).toThrow(DcpError);
    expect(() => problem.solve()).toThrow(/xexp\(square\(x\) - 1\) is not DCP/);
  });

  it('a nonnegative convex argument is still increasing: minimize xexp(x^2) - x solves 2x (1 + x^2) e^(x^2) = 1', () => {
    const x = variable([], 'x');
    const problem = new Problem(minimize(xexp(square(x)).sub(x)));
    expect(problem.isDcp()).toBe(true);
    const result = problem.solve({ solver: 'scs' });
    expect(result.status, result.message).toBe('optimal');
    // Stationarity by bisection in float64 (the derivative is increasing on x > 0).
    const dfdx = (t: number) => 2 * t * (1 + t * t) * Math.exp(t * t) - 1;
    let [lo, hi] = [0, 1];
    for (let k = 0; k < 200; k++) [lo, hi] = dfdx((lo + hi) / 2) > 0 ? [lo, (lo + hi) / 2] : [(lo + hi) / 2, hi];
    const xs = (lo + hi) / 2;
    expect(x.value!.at()).toBeCloseTo(xs, 5);
    expect(result.value).toBeCloseTo(xs * xs * Math.exp(xs * xs) - xs, 6);
  });
});
