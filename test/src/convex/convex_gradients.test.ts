import { beforeAll, describe, expect, it } from 'vitest';
import { initSolvers } from '../../../solvers/init.js';
import { ConvexSolutionMap, type ConvexSolverChoice, type ParameterValues } from '../../../src/convex/index.js';
import { CASES, normals, type ConvexCase } from './convex_fixtures.js';

beforeAll(async () => {
  await initSolvers();
});

/**
 * Finite-difference settings per route. The interior point method reaches
 * 1e-11, so a step of 1e-5 is safe. SCS (no Anderson acceleration in this
 * build) reaches 1e-10 on most families within the iteration limit and
 * needs a step of 1e-4 for the solver error (~1e-10 / h) to stay below the
 * tested 1e-5; on the exponential/power-cone families listed in COARSE it
 * stalls above 1e-10, so those use 1e-9 and a step of 1e-3 (all checked
 * families are smooth near the test points, so the O(h^2) truncation error
 * stays small).
 */
const COARSE = new Set(['entropy', 'huber', 'power']);
function fdSettings(key: string, route: string) {
  if (route === 'qp') return { step: 1e-5, options: { qp: { tol: 1e-11, tolInaccurate: 1e-8 } } };
  const eps = COARSE.has(key) ? 1e-9 : 1e-10;
  return { step: COARSE.has(key) ? 1e-3 : 1e-4, options: { maxIters: 400_000, scs: { epsAbs: eps, epsRel: eps } } };
}

/**
 * Checks dl/dtheta of l = sum_k w_k . output_k (random w) from the solution
 * map's backward pass against central differences of the float64 solve, for
 * every entry of every parameter; returns the worst error relative to
 * max(1, |fd|_inf) per parameter.
 */
function gradientError(key: string, c: ConvexCase, solver: ConvexSolverChoice): { worst: number; route: string } {
  const spec = { parameters: c.parameters, variables: c.variables, duals: c.duals };
  const route = new ConvexSolutionMap(c.problem, spec, { solver }).route;
  const fd = fdSettings(key, route);
  const map = new ConvexSolutionMap(c.problem, spec, { ...fd.options, solver });
  const values = c.values;
  const { batch, thetas } = map.packThetas(values);
  const solved = map.solve(thetas, batch);
  const randn = normals(1234);
  const wv = solved.variables.map((v) => Float64Array.from(v, () => randn()));
  const wd = solved.duals.map((v) => Float64Array.from(v, () => randn()));
  const loss = (vs: readonly ParameterValues[]): number => {
    const p = map.packThetas(vs);
    const s = map.solve(p.thetas, p.batch);
    let l = 0;
    s.variables.forEach((v, k) => v.forEach((x, i) => (l += wv[k]![i]! * x)));
    s.duals.forEach((v, k) => v.forEach((x, i) => (l += wd[k]![i]! * x)));
    return l;
  };
  const grads = map.unpackGradient(solved.backward(wv, wd), batch, values.map((v) => v.batched));
  let worst = 0;
  values.forEach((v, i) => {
    const diff = new Float64Array(v.data.length);
    for (let k = 0; k < v.data.length; k++) {
      const h = fd.step * Math.max(1, Math.abs(v.data[k]!));
      const shifted = (delta: number) => values.map((u, j) => (j === i ? { batched: u.batched, data: Float64Array.from(u.data, (x, q) => (q === k ? x + delta : x)) } : u));
      diff[k] = (loss(shifted(h)) - loss(shifted(-h))) / (2 * h);
    }
    let err = 0;
    let scale = 1;
    for (let k = 0; k < diff.length; k++) {
      err = Math.max(err, Math.abs(grads[i]![k]! - diff[k]!));
      scale = Math.max(scale, Math.abs(diff[k]!));
    }
    worst = Math.max(worst, err / scale);
  });
  return { worst, route: map.route };
}

const QP_COMPATIBLE = new Set(['lp', 'qp', 'leastSquares', 'equalityQp', 'sparsemax']);

describe('ConvexSolutionMap gradients match central finite differences (1e-5 relative)', () => {
  for (const [key, build] of Object.entries(CASES)) {
    const routes: ConvexSolverChoice[] = QP_COMPATIBLE.has(key) ? ['qp', 'scs'] : ['auto'];
    for (const solver of routes) {
      for (const batch of [0, 2]) {
        it(`${key} (${solver}, ${batch ? `batch ${batch}` : 'unbatched'})`, () => {
          const c = build(11 + batch, batch);
          const { worst, route } = gradientError(key, c, solver);
          if (solver !== 'auto') expect(route).toBe(solver);
          expect(worst).toBeLessThan(1e-5);
        });
      }
    }
  }
});
