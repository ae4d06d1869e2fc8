/**
 * Gradient check of a ConvexLayer's float64 solution map (the map the layer
 * calls) against central finite differences of the float64 solve, for the
 * atoms of this suite: l = sum_k w_k . x_k (random w), every entry of every
 * parameter. An independent route: differences of forward solves vs the
 * cone-program derivative of the backward pass.
 */
import type { ShapedRef } from '../../../dsl/compiled_problem.js';
import type { Problem } from '../../../dsl/index.js';
import { ConvexSolutionMap, type ParameterValues } from '../../../src/convex/index.js';
import { normals } from '../../src/convex/convex_fixtures.js';

/** One gradient-check case: a DPP problem, what the layer maps, and parameter values. */
export interface FdCase {
  readonly problem: Problem;
  readonly parameters: ShapedRef[];
  readonly variables: ShapedRef[];
  readonly duals?: ShapedRef[];
  readonly values: readonly number[][];
}

/**
 * Worst |analytic - fd| / max(1, |fd|_inf) over the parameters. SCS (no
 * Anderson acceleration in this build) needs thousands of iterations per
 * digit below 1e-9 on exponential and power cones, hence eps 1e-9 and a step
 * of 1e-3 (solver error ~1e-9 / h stays near 1e-6, below the tested 1e-5;
 * the test points are smooth, so the O(h^2) truncation error is small).
 */
export function fdGradientError(c: FdCase, step = 1e-3, eps = 1e-9): { worst: number; route: string } {
  const spec = { parameters: c.parameters, variables: c.variables, duals: c.duals ?? [] };
  const map = new ConvexSolutionMap(c.problem, spec, { maxIters: 400_000, scs: { epsAbs: eps, epsRel: eps } });
  const values: ParameterValues[] = c.values.map((v) => ({ data: Float64Array.from(v), batched: false }));
  const { batch, thetas } = map.packThetas(values);
  const solved = map.solve(thetas, batch);
  const randn = normals(4321);
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
    let err = 0;
    let scale = 1;
    for (let k = 0; k < v.data.length; k++) {
      const h = step * Math.max(1, Math.abs(v.data[k]!));
      const shifted = (delta: number) => values.map((u, j) => (j === i ? { batched: false, data: Float64Array.from(u.data, (x, q) => (q === k ? x + delta : x)) } : u));
      const fd = (loss(shifted(h)) - loss(shifted(-h))) / (2 * h);
      err = Math.max(err, Math.abs(grads[i]![k]! - fd));
      scale = Math.max(scale, Math.abs(fd));
    }
    worst = Math.max(worst, err / scale);
  });
  return { worst, route: map.route };
}
