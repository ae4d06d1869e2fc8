import type { Entr } from '../atoms/entr.js';
import type { Canonicalizer } from './canonicalizer.js';
import { expCones, filled } from './tensor_algebra.js';

/** t <= -x log x  <=>  x e^(t/x) <= 1  <=>  (t, x, 1) in the exponential cone. */
export const entrCanon: Canonicalizer<Entr> = (atom, [x], vars) => {
  const t = vars.newVariable(atom.size);
  return { expr: t, constraints: [expCones(t, x!, filled(1), atom.size)] };
};
