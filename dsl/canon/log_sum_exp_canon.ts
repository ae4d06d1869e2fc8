import type { LogSumExp } from '../atoms/log_sum_exp.js';
import type { Canonicalizer } from './canonicalizer.js';
import { expCones, filled, minus, nonnegCone, total } from './tensor_algebra.js';

/** log sum e^{x_i} <= t  <=>  sum u_i <= 1 with (x_i - t, 1, u_i) in the exponential cone. */
export const logSumExpCanon: Canonicalizer<LogSumExp> = (_atom, [x], vars) => {
  const n = x!.size;
  const t = vars.newVariable(1);
  const u = vars.newVariable(n);
  return { expr: t, constraints: [nonnegCone(minus(filled(1), total(u))), expCones(minus(x!, t), filled(1), u, n)] };
};
