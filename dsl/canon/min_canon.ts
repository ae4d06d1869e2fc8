import type { Min } from '../atoms/min.js';
import type { Canonicalizer } from './canonicalizer.js';
import { minus, nonnegCone } from './tensor_algebra.js';

/** t <= min_i x_i  <=>  x_i >= t for all i. */
export const minCanon: Canonicalizer<Min> = (_atom, [x], vars) => {
  const t = vars.newVariable(1);
  return { expr: t, constraints: [nonnegCone(minus(x!, t))] };
};
