import type { Log1p } from '../atoms/log1p.js';
import type { Canonicalizer } from './canonicalizer.js';
import { expCones, filled, plus } from './tensor_algebra.js';

/** t <= log(1 + x)  <=>  (t, 1, 1 + x) in the exponential cone (hypograph). */
export const log1pCanon: Canonicalizer<Log1p> = (atom, [x], vars) => {
  const t = vars.newVariable(atom.size);
  return { expr: t, constraints: [expCones(t, filled(1), plus(x!, filled(1)), atom.size)] };
};
