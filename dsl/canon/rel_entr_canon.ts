import type { RelEntr } from '../atoms/rel_entr.js';
import type { Canonicalizer } from './canonicalizer.js';
import { expCones, times } from './tensor_algebra.js';

/** x log(x/y) <= t  <=>  x e^(-t/x) <= y  <=>  (-t, x, y) in the exponential cone. */
export const relEntrCanon: Canonicalizer<RelEntr> = (atom, [x, y], vars) => {
  const t = vars.newVariable(atom.size);
  return { expr: t, constraints: [expCones(times(t, -1), x!, y!, atom.size)] };
};
