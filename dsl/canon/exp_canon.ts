import type { Exp } from '../atoms/exp.js';
import type { Canonicalizer } from './canonicalizer.js';
import { expCones, filled } from './tensor_algebra.js';

/** e^x <= t  <=>  (x, 1, t) in the exponential cone. */
export const expCanon: Canonicalizer<Exp> = (atom, [x], vars) => {
  const t = vars.newVariable(atom.size);
  return { expr: t, constraints: [expCones(x!, filled(1), t, atom.size)] };
};
