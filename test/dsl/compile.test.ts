import { beforeAll, describe, expect, it } from 'vitest';
import {
  Problem,
  compileProblem,
  exp,
  maximize,
  minimize,
  norm2,
  objectiveOffset,
  parameter,
  power,
  problemData,
  quadForm,
  recoverDuals,
  recoverVariables,
  sqrt,
  square,
  sum,
  sumSquares,
  thetaFromParameters,
  thetaGradient,
  variable,
} from '../../dsl/index.js';
import { coneRows, cscToDense, initSolvers, solveScs, validateConeProgram, ValueError } from '../../solvers/index.js';
import { mulberry32 } from './random_affine.js';

beforeAll(async () => {
  await initSolvers();
});

function mixedProblem() {
  const A = parameter([3, 2], { name: 'A', value: [[1, 2], [0, 1], [-1, 1]] });
  const b = parameter(3, { name: 'b', value: [1, 0, 2] });
  const w = parameter(undefined, { name: 'w', nonneg: true, value: 0.5 });
  const x = variable(2, 'x');
  const t = variable(undefined, 't');
  const cons = [x.ge(-1), A.matmul(x).le(b.add(3)), sum(x).eq(w), norm2(x).le(t.add(1)), exp(x.index(0)).le(t.add(2)), power(x.index(1).add(2), 1.5).le(4)];
  const prob = new Problem(minimize(sumSquares(A.matmul(x).sub(b)).add(w.mul(t)).add(b.index(0))), cons);
  return { prob, A, b, w, x, t, cons };
}

describe('compileProblem', () => {
  it('produces a consistent compiled form: cone order, theta layout, recovery maps', () => {
    const { prob, A, b, w, x, t, cons } = mixedProblem();
    const c = compileProblem(prob);
    expect(c.parameters.map((s) => [s.ref, s.offset, s.size])).toEqual([[A, 0, 6], [b, 6, 3], [w, 9, 1]]);
    expect(c.thetaSize).toBe(10);
    expect(c.m).toBe(coneRows(c.cones));
    expect(c.cones.exp).toBe(1);
    expect(c.cones.power).toEqual([1 / 1.5]);
    expect(c.cones.zero).toBe(1);
    expect(c.aMap.rows).toBe(c.aPattern.rowIndex.length);
    expect(c.aMap.cols).toBe(c.thetaSize + 1);
    expect(c.variables.map((v) => v.ref)).toEqual([x, t]);
    expect(c.constraints.map((s) => s.ref)).toEqual(cons);
    expect(c.constraints.map((s) => s.size)).toEqual([2, 3, 1, 1, 1, 1]);
    expect(c.objectiveSign).toBe(1);
    const data = problemData(c, thetaFromParameters(c));
    validateConeProgram(data);
    // The objective's constant term b[0] (plus nothing else) sits in the offset map.
    expect(objectiveOffset(c, thetaFromParameters(c))).toBeCloseTo(1, 12);
    const sol = solveScs(data, { epsAbs: 1e-9, epsRel: 1e-9 });
    expect(sol.status).toBe('optimal');
    const vars = recoverVariables(c, sol.x);
    expect(vars[0]!.length).toBe(2);
    expect(vars[0]![0]! + vars[0]![1]!).toBeCloseTo(0.5, 6);
    const duals = recoverDuals(c, sol.y);
    expect(duals.map((d) => d.length)).toEqual([2, 3, 1, 1, 1, 1]);
    for (const d of duals[1]!) expect(d).toBeGreaterThanOrEqual(-1e-9);
  });

  it('is cached: re-solving with new parameter values does not recompile', () => {
    const { prob, A, b } = mixedProblem();
    const c1 = compileProblem(prob);
    expect(prob.compileCount).toBe(1);
    A.value = [[2, 1], [1, 1], [0, 1]];
    b.value = [0, 1, 1];
    // SCS solves the cone form c1 ('auto' would also compile the quadratic form to test for an LP/QP).
    prob.solve({ solver: 'scs' });
    prob.solve({ solver: 'scs', warmStart: true });
    expect(compileProblem(prob)).toBe(c1);
    expect(prob.compileCount).toBe(1);
  });

  it('problemData follows parameter values exactly (the map is linear in [theta; 1])', () => {
    const { prob } = mixedProblem();
    const c = compileProblem(prob);
    const rng = mulberry32(5);
    const th1 = Float64Array.from({ length: c.thetaSize }, () => rng() * 2 - 1);
    const th2 = Float64Array.from({ length: c.thetaSize }, () => rng() * 2 - 1);
    const mid = th1.map((v, i) => 0.3 * v + 0.7 * th2[i]!);
    const [d1, d2, dm] = [th1, th2, mid].map((th) => problemData(c, th));
    dm!.A.values.forEach((v, k) => expect(v).toBeCloseTo(0.3 * d1!.A.values[k]! + 0.7 * d2!.A.values[k]!, 12));
    dm!.b.forEach((v, k) => expect(v).toBeCloseTo(0.3 * d1!.b[k]! + 0.7 * d2!.b[k]!, 12));
    expect(() => problemData(c, new Float64Array(3))).toThrow(/theta has length 3/);
    expect(() => problemData(c, new Float64Array(c.thetaSize).fill(NaN))).toThrow(ValueError);
  });

  it('thetaGradient is the transpose of the parameter-to-data map (checked by central differences)', () => {
    for (const quadObjective of [false, true]) {
      const A = parameter([4, 3], { name: 'A' });
      const b = parameter(4, { name: 'b' });
      const x = variable(3, 'x');
      const prob = new Problem(minimize(sumSquares(A.matmul(x).sub(b)).add(b.index(2).mul(sum(x)))), [x.ge(b.index(1)), sum(x).eq(b.index(0))]);
      const c = compileProblem(prob, { quadObjective });
      expect(c.quadratic).toBe(quadObjective);
      const rng = mulberry32(quadObjective ? 1 : 2);
      const rand = (n: number) => Float64Array.from({ length: n }, () => rng() * 2 - 1);
      const theta = rand(c.thetaSize);
      const grad = { dA: rand(c.aPattern.rowIndex.length), db: rand(c.m), dc: rand(c.n), ...(c.pPattern ? { dP: rand(c.pPattern.rowIndex.length) } : {}) };
      const loss = (th: Float64Array) => {
        const d = problemData(c, th);
        let s = 0;
        d.A.values.forEach((v, k) => (s += v * grad.dA[k]!));
        d.b.forEach((v, k) => (s += v * grad.db[k]!));
        d.c.forEach((v, k) => (s += v * grad.dc[k]!));
        if (d.P && grad.dP) d.P.values.forEach((v, k) => (s += v * grad.dP![k]!));
        return s;
      };
      const g = thetaGradient(c, grad);
      const h = 1e-6;
      for (let i = 0; i < c.thetaSize; i++) {
        const tp = theta.slice();
        tp[i]! += h;
        const tm = theta.slice();
        tm[i]! -= h;
        expect(g[i]).toBeCloseTo((loss(tp) - loss(tm)) / (2 * h), 6);
      }
    }
  });

  it('quadObjective keeps P (full symmetric) and agrees with the cone form; falls back when not applicable', async () => {
    const q = parameter(2, { name: 'q', value: [1, -2] });
    const x = variable(2, 'x');
    const P = [[2, 0.5], [0.5, 1]];
    const prob = new Problem(minimize(quadForm(x, P).mul(0.5).add(q.matmul(x)).add(sum(square(x.sub(1))))), [x.ge(-3), sum(x).le(1)]);
    const c = compileProblem(prob, { quadObjective: true });
    expect(c.quadratic).toBe(true);
    const dense = cscToDense(problemData(c, thetaFromParameters(c)).P!);
    const n = c.n;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(dense[i * n + j]).toBe(dense[j * n + i]);
    expect(c.cones.soc).toEqual([]);
    const rq = prob.solve({ quadObjective: true, epsAbs: 1e-9, epsRel: 1e-9 });
    const xq = x.value!.toArray();
    const rc = prob.solve({ epsAbs: 1e-9, epsRel: 1e-9 });
    expect(rq.value).toBeCloseTo(rc.value, 6);
    expect(x.value!.toArray()).toEqual((xq as number[]).map((v) => expect.closeTo(v, 5)));
    // Non-affine constraint or non-quadratic objective: cone form.
    const y = variable(2, 'y');
    expect(compileProblem(new Problem(minimize(sumSquares(y)), [sqrt(y.index(0)).ge(1)]), { quadObjective: true }).quadratic).toBe(false);
    expect(compileProblem(new Problem(minimize(norm2(y)), [y.ge(1)]), { quadObjective: true }).quadratic).toBe(false);
  });

  it('maximize compiles -f with objectiveSign -1', () => {
    const y = variable(2, 'y');
    const prob = new Problem(maximize(sum(sqrt(y)).sub(y.index(0))), [sum(y).le(2)]);
    const c = compileProblem(prob);
    expect(c.objectiveSign).toBe(-1);
    const r = prob.solve({ epsAbs: 1e-9, epsRel: 1e-9 });
    // Optimum: y0 = 0.0 .. by KKT, 1/(2 sqrt(y0)) - 1 = 1/(2 sqrt(y1)) and y0 + y1 = 2.
    expect(r.value).toBeCloseTo(sum(sqrt(y)).sub(y.index(0)).value!.at(), 6);
    expect(r.value).toBeGreaterThan(Math.sqrt(2) - 1e-6);
  });
});
