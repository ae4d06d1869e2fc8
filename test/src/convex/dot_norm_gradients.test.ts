import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Problem, dot, minimize, norm, parameter, sumSquares, variable, type NormOrder, type Parameter, type SolveOptions, type Variable } from '../../../dsl/index.js';
import { init } from '../../../src/init.js';
import { ConvexLayer } from '../../../src/convex/index.js';

beforeAll(async () => {
  await init();
});

interface GradCase {
  readonly problem: Problem;
  readonly a: Parameter;
  readonly x: Variable;
  readonly solve: SolveOptions;
  readonly step: number;
}

/**
 * dl/da of l = w . x*(a) from the ConvexLayer (tf.grad through its custom
 * gradient, float32 outside) against central differences of the float64
 * problem.solve (a different code path: no solution map, no backward pass).
 */
function gradientGap(c: GradCase, a0: number[], w: number[]): number {
  const layer = new ConvexLayer(c.problem, { parameters: [c.a], variables: [c.x], solver: c.solve.solver, tol: 1e-10, maxIters: 200_000 });
  const aT = tf.tensor1d(a0);
  const wT = tf.tensor1d(w);
  const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(layer.apply([a])[0]!, wT)))(aT);
  const analytic = Array.from(g.dataSync());
  tf.dispose([aT, wT, g]);
  const loss = (a: number[]): number => {
    c.a.value = a;
    const r = c.problem.solve(c.solve);
    expect(r.status).toBe('optimal');
    return (c.x.value!.toArray() as number[]).reduce((s, v, i) => s + w[i]! * v, 0);
  };
  let worst = 0;
  a0.forEach((_, i) => {
    const shifted = (d: number) => a0.map((v, q) => (q === i ? v + d : v));
    const fd = (loss(shifted(c.step)) - loss(shifted(-c.step))) / (2 * c.step);
    worst = Math.max(worst, Math.abs(analytic[i]! - fd) / Math.max(1, Math.abs(fd)));
  });
  return worst;
}

describe('gradients through ConvexLayer of problems written with dot and norm', () => {
  it('dot(a, x) with a parameter: min dot(a, x) + 1/2 |x|^2 s.t. x >= -1 (x* = clip(-a, -1, inf))', () => {
    const x = variable(4, 'x');
    const a = parameter(4, 'a');
    const problem = new Problem(minimize(dot(a, x).add(sumSquares(x).mul(0.5))), [x.ge(-1)]);
    const c: GradCase = { problem, a, x, solve: { solver: 'qp', tol: 1e-11 }, step: 1e-5 };
    expect(gradientGap(c, [0.4, -0.7, 1.6, -0.2], [1, -0.5, 0.3, 2])).toBeLessThan(1e-3);
  });

  for (const p of [1, 2, Infinity] as NormOrder[]) {
    it(`norm(x - a, ${String(p)}) + 1/2 |x|^2, through the ${p === 2 ? 'SCS' : 'QP'} route`, () => {
      const x = variable(3, 'x');
      const a = parameter(3, 'a');
      const problem = new Problem(minimize(norm(x.sub(a), p).add(sumSquares(x).mul(0.5))));
      const solve: SolveOptions = p === 2 ? { solver: 'scs', tol: 1e-10, maxIters: 200_000 } : { solver: 'qp', tol: 1e-11 };
      const c: GradCase = { problem, a, x, solve, step: p === 2 ? 1e-4 : 1e-5 };
      // Test points away from the kinks of each prox (|a| = 1 for p = 1, ...).
      expect(gradientGap(c, [2.1, 0.4, -1.7], [0.7, -1.2, 0.5])).toBeLessThan(2e-3);
    });
  }
});
