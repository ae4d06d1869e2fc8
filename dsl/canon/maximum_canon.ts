import type { Maximum } from '../atoms/maximum.js';
import type { Canonicalizer } from './canonicalizer.js';
import { minus, nonnegCone } from './tensor_algebra.js';

/** max_k a_k <= t  <=>  t >= a_k for every k (entrywise, scalars broadcast). */
export const maximumCanon: Canonicalizer<Maximum> = (atom, args, vars) => {
  const t = vars.newVariable(atom.size);
  return { expr: t, constraints: args.map((a) => nonnegCone(minus(t, a))) };
};
