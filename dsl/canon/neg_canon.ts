import type { Neg } from '../atoms/neg.js';
import type { Canonicalizer } from './canonicalizer.js';
import { nonnegCone, plus } from './tensor_algebra.js';

/** max(-x, 0) <= t  <=>  t >= -x, t >= 0. */
export const negCanon: Canonicalizer<Neg> = (atom, [x], vars) => {
  const t = vars.newVariable(atom.size);
  return { expr: t, constraints: [nonnegCone(plus(t, x!)), nonnegCone(t)] };
};
