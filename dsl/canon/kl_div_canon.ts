import type { KlDiv } from '../atoms/kl_div.js';
import type { Canonicalizer } from './canonicalizer.js';
import { expCones, minus, plus, times } from './tensor_algebra.js';

/**
 * x log(x/y) <= t  <=>  x e^(-t/x) <= y  <=>  (-t, x, y) in the exponential
 * cone; the stand-in for klDiv is t - x + y.
 */
export const klDivCanon: Canonicalizer<KlDiv> = (atom, [x, y], vars) => {
  const t = vars.newVariable(atom.size);
  return { expr: plus(minus(t, x!), y!), constraints: [expCones(times(t, -1), x!, y!, atom.size)] };
};
