import type { Sqrt } from '../atoms/sqrt.js';
import type { Canonicalizer } from './canonicalizer.js';
import { elementwiseQuadOverLinCones, filled } from './tensor_algebra.js';

/** t <= sqrt(x)  <=  t^2 <= x * 1: (x + 1, x - 1, 2t) in a 3-dimensional SOC (hypograph). */
export const sqrtCanon: Canonicalizer<Sqrt> = (atom, [x], vars) => {
  const t = vars.newVariable(atom.size);
  return { expr: t, constraints: [elementwiseQuadOverLinCones(t, filled(1), x!, atom.size)] };
};
