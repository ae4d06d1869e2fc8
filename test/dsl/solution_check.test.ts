/**
 * The post-solve check of `problem.solve` (dsl/problem/solution_check.ts):
 * the solver's point is evaluated on the user's original constraints, and an
 * 'optimal' that violates them is downgraded (issue 14: right or flagged).
 */
import { describe, expect, it } from 'vitest';
import { klDiv, log, minimum, power, soc, sqrt, sum, sumSquares, variable } from '../../dsl/index.js';
import { VIOLATION_INACCURATE, VIOLATION_OK, checkedStatus, constraintViolation, objectiveGap } from '../../dsl/problem/solution_check.js';

describe('constraintViolation', () => {
  it('measures le, eq and soc violations relative to 1 + |lhs| + |rhs|', () => {
    const x = variable(2, 'x');
    const le = sum(x).le(1);
    const eq = x.index(0).eq(0.5);
    const cone = soc(1, x);
    x.value = [0.5, 0.5];
    expect(constraintViolation([le, eq, cone]).relative).toBe(0);
    x.value = [0.5, 1.5]; // sum 2 > 1: (2 - 1) / (1 + 2 + 1); |x| = 1.58 > 1: 0.58 / 3.58
    const v = constraintViolation([le, eq, cone]);
    expect(v.relative).toBeCloseTo(0.25, 12);
    expect(v.constraint).toBe(le);
    x.value = [0.8, 0.1];
    expect(constraintViolation([eq]).relative).toBeCloseTo(0.3 / 2.3, 12);
  });

  it('a point a hair outside a domain bounded by 0 counts as on it; -Infinity from an inner atom stays a violation', () => {
    const x = variable(1, 'x');
    x.value = [-1e-12];
    expect(constraintViolation([sqrt(x).ge(0)]).relative).toBe(0);
    x.value = [-0.5];
    expect(constraintViolation([sqrt(x).ge(0)]).relative).toBe(1);
    // klDiv(1e-12, 0) is +Infinity, but the point is 1e-12 from klDiv(0, 0) = 0 (the exponential cone's closure).
    const y = variable(1, 'y');
    x.value = [1e-12];
    y.value = [-1e-13];
    expect(constraintViolation([klDiv(x, y).le(0.5)]).relative).toBe(0);
    x.value = [0.1];
    y.value = [0];
    expect(constraintViolation([klDiv(x, y).le(0.5)]).relative).toBe(1);
    // minimum(-Infinity, 1) must not be snapped to minimum(0, 1).
    x.value = [-0.5];
    expect(constraintViolation([minimum(power(x, 0.5), 1).ge(-1)]).relative).toBe(1);
  });
});

describe('checkedStatus', () => {
  const x = variable(1, 'x');
  const c = x.le(0);
  it('keeps optimal within VIOLATION_OK, downgrades to optimal_inaccurate, then to numerical_error', () => {
    expect(checkedStatus('optimal', { relative: VIOLATION_OK / 2, constraint: c }).status).toBe('optimal');
    const inaccurate = checkedStatus('optimal', { relative: VIOLATION_INACCURATE / 2, constraint: c });
    expect(inaccurate.status).toBe('optimal_inaccurate');
    expect(inaccurate.note).toMatch(/x <= 0/);
    expect(checkedStatus('optimal', { relative: 1e-2, constraint: c }).status).toBe('numerical_error');
    expect(checkedStatus('optimal', { relative: NaN, constraint: c }).status).toBe('numerical_error');
    expect(checkedStatus('max_iters', { relative: 1, constraint: c }).status).toBe('max_iters');
  });
});

describe('objectiveGap: the reported value against the objective evaluated at the point', () => {
  it('is 0 at an exact solution, relative when off, 1 outside the domain, NaN when unset', () => {
    const x = variable(2, 'x');
    x.value = [3, 4];
    expect(objectiveGap(sumSquares(x), 25)).toBe(0);
    expect(objectiveGap(sumSquares(x), 24)).toBeCloseTo(1 / 50, 12);
    const y = variable(1, 'y');
    y.value = [-1];
    expect(objectiveGap(log(y).sum().negate(), 0)).toBe(1);
    const z = variable(1, 'z');
    expect(Number.isNaN(objectiveGap(sumSquares(z), 0))).toBe(true);
  });
});
