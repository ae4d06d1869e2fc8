import type { Logistic } from '../atoms/logistic.js';
import type { Canonicalizer } from './canonicalizer.js';
import { expCones, filled, minus, nonnegCone, plus, times } from './tensor_algebra.js';

/**
 * log(1 + e^x) <= t  <=>  e^{-t} + e^{x - t} <= 1: u + v <= 1 with
 * (-t, 1, u) and (x - t, 1, v) in the exponential cone, entrywise.
 */
export const logisticCanon: Canonicalizer<Logistic> = (atom, [x], vars) => {
  const n = atom.size;
  const t = vars.newVariable(n);
  const u = vars.newVariable(n);
  const v = vars.newVariable(n);
  const one = filled(1);
  return {
    expr: t,
    constraints: [nonnegCone(minus(one, plus(u, v))), expCones(times(t, -1), one, u, n), expCones(minus(x!, t), one, v, n)],
  };
};
