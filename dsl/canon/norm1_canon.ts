import type { Norm1 } from '../atoms/norm1.js';
import type { Canonicalizer } from './canonicalizer.js';
import { minus, nonnegCone, plus, total } from './tensor_algebra.js';

/** |x|_1 <= sum(t) with t >= x, t >= -x. */
export const norm1Canon: Canonicalizer<Norm1> = (_atom, [x], vars) => {
  const t = vars.newVariable(x!.size);
  return { expr: total(t), constraints: [nonnegCone(minus(t, x!)), nonnegCone(plus(t, x!))] };
};
