import type { Abs } from '../atoms/abs.js';
import type { Canonicalizer } from './canonicalizer.js';
import { minus, nonnegCone, plus } from './tensor_algebra.js';

/** |x| <= t  <=>  t - x >= 0, t + x >= 0. */
export const absCanon: Canonicalizer<Abs> = (atom, [x], vars) => {
  const t = vars.newVariable(atom.size);
  return { expr: t, constraints: [nonnegCone(minus(t, x!)), nonnegCone(plus(t, x!))] };
};
