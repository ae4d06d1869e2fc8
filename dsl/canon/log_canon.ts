import type { Log } from '../atoms/log.js';
import type { Canonicalizer } from './canonicalizer.js';
import { expCones, filled } from './tensor_algebra.js';

/** t <= log(x)  <=>  (t, 1, x) in the exponential cone (hypograph). */
export const logCanon: Canonicalizer<Log> = (atom, [x], vars) => {
  const t = vars.newVariable(atom.size);
  return { expr: t, constraints: [expCones(t, filled(1), x!, atom.size)] };
};
