import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import {
  Problem,
  abs,
  analyzeExpression,
  compileProblem,
  constant,
  exp,
  log,
  maximize,
  minimize,
  multiply,
  norm2,
  parameter,
  power,
  quadForm,
  sqrt,
  square,
  sum,
  sumSquares,
  variable,
} from '../../dsl/index.js';
import { DcpError, DppError } from '../../solvers/index.js';

function leftMessage<E extends Error>(e: E.Either<E, unknown>): string {
  if (E.isRight(e)) throw new Error('expected a rule violation');
  return e.left.message;
}

describe('DCP analysis', () => {
  it('accepts the standard convex problems', () => {
    const x = variable(3, 'x');
    const t = variable();
    const cases = [
      new Problem(minimize(norm2(x.sub([1, 2, 3]))), [x.ge(0)]),
      new Problem(maximize(sum(log(x))), [sum(x).le(1)]),
      new Problem(minimize(t), [norm2(x).le(t), exp(x.index(0)).le(sqrt(t))]),
      new Problem(minimize(sum(abs(x))), [x.index(0).eq(1)]),
      new Problem(minimize(0)),
    ];
    for (const p of cases) expect(p.isDcp()).toBe(true);
  });

  it('rejects minimize(sqrt(x)) naming the objective and the rule', () => {
    const x = variable(undefined, 'x');
    const p = new Problem(minimize(sqrt(x)));
    expect(p.isDcp()).toBe(false);
    const msg = leftMessage(p.dcpAnalysis());
    expect(msg).toContain('sqrt(x)');
    expect(msg).toContain('concave');
    expect(msg).toContain('rule');
    expect(E.isLeft(p.dcpAnalysis()) && p.dcpAnalysis()).toBeTruthy();
  });

  it('rejects a bad composition naming the offending sub-expression', () => {
    const x = variable(undefined, 'x');
    const e = square(sqrt(x));
    const res = analyzeExpression(e, 'dcp');
    const msg = leftMessage(res);
    expect(E.isLeft(res) && res.left).toBeInstanceOf(DcpError);
    expect(msg).toContain('square(sqrt(x))');
    expect(msg).toContain('sqrt(x)');
    expect(msg).toContain('DCP composition');
    // Concave argument of an increasing convex atom is fine the other way round.
    expect(E.isRight(analyzeExpression(exp(x), 'dcp'))).toBe(true);
    expect(E.isRight(analyzeExpression(log(sqrt(x)), 'dcp'))).toBe(true);
  });

  it('uses signs for monotonicity: square(abs(x)) is convex, square(-abs(x)) too, abs(x) - abs(y) is not', () => {
    const x = variable(undefined, 'x');
    const y = variable(undefined, 'y');
    expect(E.isRight(analyzeExpression(square(abs(x)), 'dcp'))).toBe(true);
    expect(E.isRight(analyzeExpression(square(abs(x).negate()), 'dcp'))).toBe(true);
    const p = new Problem(minimize(abs(x).sub(abs(y))));
    expect(leftMessage(p.dcpAnalysis())).toContain('abs(x) - abs(y)');
  });

  it('rejects products of two variables and constraints in the wrong direction', () => {
    const x = variable(undefined, 'x');
    const y = variable(undefined, 'y');
    const prod = analyzeExpression(x.mul(y), 'dcp');
    expect(leftMessage(prod)).toContain('x * y');
    expect(leftMessage(prod)).toContain('DCP product');
    expect(leftMessage(new Problem(minimize(x), [sqrt(x).le(1)]).dcpAnalysis())).toContain('left side sqrt(x)');
    const c = new Problem(minimize(x), [abs(x).ge(2)]);
    const msg = leftMessage(c.dcpAnalysis());
    expect(msg).toContain('abs(x)');
    expect(msg).toContain('constraint');
    expect(new Problem(minimize(x), [abs(x).eq(1)]).isDcp()).toBe(false);
  });

  it('solve() on a non-DCP problem throws DcpError', () => {
    const x = variable(undefined, 'x');
    expect(() => new Problem(minimize(sqrt(x))).solve()).toThrow(DcpError);
  });

  it('quadForm needs a PSD or NSD constant matrix', () => {
    const x = variable(2, 'x');
    expect(new Problem(minimize(quadForm(x, [[2, 0], [0, 1]]))).isDcp()).toBe(true);
    expect(new Problem(maximize(quadForm(x, [[-2, 0], [0, -1]]))).isDcp()).toBe(true);
    const bad = new Problem(minimize(quadForm(x, [[1, 0], [0, -1]])));
    expect(leftMessage(bad.dcpAnalysis())).toMatch(/neither positive nor negative semidefinite/);
    expect(leftMessage(new Problem(minimize(quadForm(x, [[1, 0], [0, 1]]).negate())).dcpAnalysis())).toContain('concave');
  });
});

describe('DPP analysis', () => {
  it('p * p * x is DCP but not DPP; the error names the product and the rule', () => {
    const p = parameter(undefined, { name: 'p', value: 2 });
    const x = variable(undefined, 'x');
    const prob = new Problem(minimize(p.mul(p).mul(x)), [x.ge(1)]);
    expect(prob.isDcp()).toBe(true);
    expect(prob.isDpp()).toBe(false);
    const res = prob.dppAnalysis();
    expect(E.isLeft(res) && res.left).toBeInstanceOf(DppError);
    const msg = leftMessage(res);
    expect(msg).toContain('p * p');
    expect(msg).toContain('DPP product');
    expect(() => compileProblem(prob)).toThrow(DppError);
  });

  it('quadForm(x, P) with a parameter P is not DPP; with a constant P it is', () => {
    const x = variable(2, 'x');
    const P = parameter([2, 2], { name: 'P', value: [[2, 0], [0, 1]] });
    const prob = new Problem(minimize(quadForm(x, P)));
    expect(prob.isDcp()).toBe(true);
    expect(prob.isDpp()).toBe(false);
    expect(leftMessage(prob.dppAnalysis())).toContain("quadForm's P");
    expect(new Problem(minimize(quadForm(x, constant([[2, 0], [0, 1]])))).isDpp()).toBe(true);
  });

  it('sumSquares(L @ x - b) with parameters L and b is DPP', () => {
    const L = parameter([3, 2], { name: 'L' });
    const b = parameter(3, { name: 'b' });
    const x = variable(2, 'x');
    const prob = new Problem(minimize(sumSquares(L.matmul(x).sub(b))), [x.ge(0)]);
    expect(prob.isDpp()).toBe(true);
  });

  it('parameter-affine times parameter-free is DPP; parameter times parameter-dependent is not', () => {
    const p = parameter(undefined, { name: 'p', nonneg: true });
    const q = parameter(undefined, { name: 'q' });
    const x = variable(undefined, 'x');
    // (2p + q) * x and p * square(x) (sign-aware curvature).
    expect(new Problem(minimize(multiply(p.mul(2).add(q), x)), [x.ge(0)]).isDpp()).toBe(true);
    expect(new Problem(minimize(p.mul(square(x)))).isDpp()).toBe(true);
    // p * (q * x): the second factor depends on a parameter.
    const nested = new Problem(minimize(p.mul(q.mul(x))), [x.ge(0)]);
    expect(nested.isDcp()).toBe(true);
    expect(leftMessage(nested.dppAnalysis())).toContain('DPP product');
    // exp(p) * x: exp(p) is not parameter-affine.
    expect(new Problem(minimize(exp(q).mul(x)), [x.ge(0)]).isDpp()).toBe(false);
    // Division by a parameter.
    const div = new Problem(minimize(x.div(p)), [x.ge(1)]);
    expect(div.isDcp()).toBe(true);
    expect(leftMessage(div.dppAnalysis())).toContain('DPP division');
  });

  it('parameters inside convex atoms stay DPP (they only reach b and c)', () => {
    const q = parameter(undefined, { name: 'q', value: 0.5 });
    const x = variable(undefined, 'x');
    expect(new Problem(minimize(x.add(exp(q))), [x.ge(power(q, 2))]).isDpp()).toBe(true);
  });
});
