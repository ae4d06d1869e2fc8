import type { Max } from '../atoms/max.js';
import type { Canonicalizer } from './canonicalizer.js';
import { minus, nonnegCone } from './tensor_algebra.js';

/** max_i x_i <= t  <=>  t >= x_i for all i (scalar t broadcast). */
export const maxCanon: Canonicalizer<Max> = (_atom, [x], vars) => {
  const t = vars.newVariable(1);
  return { expr: t, constraints: [nonnegCone(minus(t, x!))] };
};
