import type { Minimum } from '../atoms/minimum.js';
import type { Canonicalizer } from './canonicalizer.js';
import { minus, nonnegCone } from './tensor_algebra.js';

/** t <= min_k a_k  <=>  a_k >= t for every k (hypograph). */
export const minimumCanon: Canonicalizer<Minimum> = (atom, args, vars) => {
  const t = vars.newVariable(atom.size);
  return { expr: t, constraints: args.map((a) => nonnegCone(minus(a, t))) };
};
