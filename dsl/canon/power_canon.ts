import type { Power } from '../atoms/power.js';
import type { Canonicalizer } from './canonicalizer.js';
import { elementwiseQuadOverLinCones, filled, powerCones } from './tensor_algebra.js';

/**
 * x^p entrywise. p = 2, 1/2, -1 use 3-dimensional SOCs (as square, sqrt,
 * invPos); other p use SCS power cones K_a = {(u, v, w): u^a v^(1-a) >= |w|}:
 *   p > 1:      t >= |x|^p      <=> (t, 1, x) in K_{1/p};
 *   0 < p < 1:  t <= x^p        <=  (x, 1, t) in K_p;
 *   p < 0:      t >= x^p (x>0)  <=> (t, x, 1) in K_{1/(1-p)}.
 */
export const powerCanon: Canonicalizer<Power> = (atom, [x], vars) => {
  const p = atom.p;
  const size = atom.size;
  if (p === 1) return { expr: x!, constraints: [] };
  if (p === 0) return { expr: filled(1, size), constraints: [] };
  const t = vars.newVariable(size);
  const one = filled(1);
  if (p === 2) return { expr: t, constraints: [elementwiseQuadOverLinCones(x!, one, t, size)] };
  if (p === 0.5) return { expr: t, constraints: [elementwiseQuadOverLinCones(t, one, x!, size)] };
  if (p === -1) return { expr: t, constraints: [elementwiseQuadOverLinCones(one, x!, t, size)] };
  if (p > 1) return { expr: t, constraints: [powerCones(t, one, x!, 1 / p, size)] };
  if (p > 0) return { expr: t, constraints: [powerCones(x!, one, t, p, size)] };
  return { expr: t, constraints: [powerCones(t, x!, one, 1 / (1 - p), size)] };
};
