import type { Square } from '../atoms/square.js';
import type { Canonicalizer } from './canonicalizer.js';
import { elementwiseQuadOverLinCones, filled } from './tensor_algebra.js';

/** x_i^2 <= t_i  <=>  (t_i + 1, t_i - 1, 2 x_i) in a 3-dimensional SOC. */
export const squareCanon: Canonicalizer<Square> = (atom, [x], vars) => {
  const t = vars.newVariable(atom.size);
  return { expr: t, constraints: [elementwiseQuadOverLinCones(x!, filled(1), t, atom.size)] };
};
