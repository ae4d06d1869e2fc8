import { beforeAll, describe, expect, it } from 'vitest';
import {
  Problem,
  bounds,
  constant,
  maximize,
  minimize,
  norm1,
  norm2,
  parameter,
  soc,
  sum,
  sumSquares,
  variable,
  vstack,
} from '../../dsl/index.js';
import { initSolvers } from '../../solvers/index.js';
import { mulberry32 } from './random_affine.js';

beforeAll(async () => {
  await initSolvers();
});

const tight = { epsAbs: 1e-9, epsRel: 1e-9 };

/** Solves the 2 x 2 normal equations (A'A) x = A'b. */
function normalEquations(A: number[][], b: number[]): [number, number] {
  let g00 = 0, g01 = 0, g11 = 0, r0 = 0, r1 = 0;
  A.forEach(([a0, a1], i) => {
    g00 += a0! * a0!;
    g01 += a0! * a1!;
    g11 += a1! * a1!;
    r0 += a0! * b[i]!;
    r1 += a1! * b[i]!;
  });
  const det = g00 * g11 - g01 * g01;
  return [(g11 * r0 - g01 * r1) / det, (g00 * r1 - g01 * r0) / det];
}

describe('problem.solve', () => {
  it('least squares matches the normal equations and re-solves for new parameters without recompiling', () => {
    const A = parameter([5, 2], { name: 'A' });
    const b = parameter(5, { name: 'b' });
    const x = variable(2, 'x');
    const prob = new Problem(minimize(sumSquares(A.matmul(x).sub(b))));
    const rng = mulberry32(3);
    for (let trial = 0; trial < 3; trial++) {
      const Av = Array.from({ length: 5 }, () => [rng() * 2 - 1, rng() * 2 - 1]);
      const bv = Array.from({ length: 5 }, () => rng() * 2 - 1);
      A.value = Av;
      b.value = bv;
      const res = prob.solve(tight);
      expect(res.status).toBe('optimal');
      const [e0, e1] = normalEquations(Av, bv);
      expect(x.value!.at(0)).toBeCloseTo(e0, 6);
      expect(x.value!.at(1)).toBeCloseTo(e1, 6);
      expect(prob.value).toBeCloseTo(sumSquares(A.matmul(x).sub(b)).value!.at(), 6);
    }
    expect(prob.compileCount).toBe(1);
    // 'auto' solved this QP on the interior point route (quadratic-objective form);
    // SCS's cone form is a second cached compilation, then also reused.
    prob.solve({ ...tight, solver: 'scs' });
    prob.solve({ ...tight, solver: 'scs' });
    expect(prob.compileCount).toBe(2);
  });

  it('duals follow CVXPY signs: inequality duals >= 0, equality duals free', () => {
    const x = variable(undefined, 'x');
    const ge = x.ge(1);
    new Problem(minimize(x), [ge]).solve(tight);
    expect(ge.dualValue!.at()).toBeCloseTo(1, 6);
    const le = x.le(2);
    const p2 = new Problem(maximize(x.mul(3)), [le]);
    const r2 = p2.solve(tight);
    expect(r2.value).toBeCloseTo(6, 6);
    expect(le.dualValue!.at()).toBeCloseTo(3, 6);
    const eq = x.eq(1);
    new Problem(minimize(x.mul(-2)), [eq]).solve(tight);
    expect(eq.dualValue!.at()).toBeCloseTo(-2, 6);
    // Vector constraint duals have the constraint's shape; the inactive one is 0.
    const y = variable(2, 'y');
    const c = y.ge([0, -5]);
    new Problem(minimize(sum(y)), [c, y.index(1).ge(1)]).solve(tight);
    expect(c.dualValue!.shape).toEqual([2]);
    expect(c.dualValue!.at(0)).toBeCloseTo(1, 6);
    expect(c.dualValue!.at(1)).toBeCloseTo(0, 6);
  });

  it('solves with a second-order cone constraint, bounds and stacking', () => {
    const x = variable(2, 'x');
    const t = variable(undefined, 't');
    // Closest point to (3, 4) in the box [0, 1]^2 measured in the 2-norm, via soc.
    const cons = [soc(t, x.sub([3, 4])), ...bounds(x, 0, 1)];
    const prob = new Problem(minimize(t), cons);
    const res = prob.solve(tight);
    expect(res.status).toBe('optimal');
    expect(x.value!.toArray()).toEqual([expect.closeTo(1, 6), expect.closeTo(1, 6)]);
    expect(res.value).toBeCloseTo(Math.hypot(2, 3), 6);
    expect(cons[0]!.dualValue!.shape).toEqual([3]);
    const M = variable([2, 2], 'M');
    const p2 = new Problem(minimize(norm1(M.sub(vstack([1, 2], [3, 4])))), [M.index(0, 0).ge(2)]);
    expect(p2.solve(tight).value).toBeCloseTo(1, 6);
    expect(M.value!.toArray()).toEqual([[expect.closeTo(2, 6), expect.closeTo(2, 6)], [expect.closeTo(3, 6), expect.closeTo(4, 6)]]);
  });

  it('reports infeasible and unbounded problems as statuses with CVXPY values', () => {
    const x = variable(undefined, 'x');
    const inf = new Problem(minimize(x), [x.ge(1), x.le(0)]);
    const r1 = inf.solve();
    expect(r1.status).toBe('infeasible');
    expect(r1.value).toBe(Infinity);
    expect(x.value).toBeUndefined();
    const r2 = new Problem(maximize(x), [x.ge(0)]).solve();
    expect(r2.status).toBe('unbounded');
    expect(r2.value).toBe(Infinity);
    const r3 = new Problem(minimize(x)).solve();
    expect(r3.status).toBe('unbounded');
    expect(r3.value).toBe(-Infinity);
  });

  it('handles constant objectives and problems without variables', () => {
    const x = variable(undefined, 'x');
    const r = new Problem(minimize(constant(3)), [x.le(1)]).solve();
    expect(r.status).toBe('optimal');
    expect(r.value).toBeCloseTo(3, 9);
    const p = parameter(undefined, { name: 'p', value: 2.5 });
    const r2 = new Problem(maximize(p.mul(2))).solve();
    expect(r2.status).toBe('optimal');
    expect(r2.value).toBeCloseTo(5, 9);
  });

  it('warm start reuses the previous solution', () => {
    const b = parameter(20, { name: 'b' });
    const x = variable(20, 'x');
    const prob = new Problem(minimize(norm2(x.sub(b)).add(norm1(x))), [sum(x).le(3)]);
    const rng = mulberry32(11);
    b.value = Float64Array.from({ length: 20 }, () => rng());
    const cold = prob.solve(tight);
    const again = prob.solve({ ...tight, warmStart: true });
    expect(again.status).toBe('optimal');
    expect(again.value).toBeCloseTo(cold.value, 6);
    expect(again.iterations).toBeLessThan(cold.iterations);
  });

  it('solves DCP problems that are not DPP by freezing parameters, recompiling each time', () => {
    const p = parameter(undefined, { name: 'p', value: 2 });
    const x = variable(undefined, 'x');
    const prob = new Problem(minimize(p.mul(p).mul(x)), [x.ge(1)]);
    expect(prob.isDpp()).toBe(false);
    expect(prob.solve(tight).value).toBeCloseTo(4, 6);
    p.value = 3;
    expect(prob.solve(tight).value).toBeCloseTo(9, 6);
    expect(prob.compileCount).toBe(2);
  });
});
