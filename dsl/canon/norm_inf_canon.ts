import type { NormInf } from '../atoms/norm_inf.js';
import type { Canonicalizer } from './canonicalizer.js';
import { minus, nonnegCone, plus } from './tensor_algebra.js';

/** |x|_inf <= t  <=>  t >= x_i and t >= -x_i for all i. */
export const normInfCanon: Canonicalizer<NormInf> = (_atom, [x], vars) => {
  const t = vars.newVariable(1);
  return { expr: t, constraints: [nonnegCone(minus(t, x!)), nonnegCone(plus(t, x!))] };
};
