import type { Pnorm } from '../atoms/pnorm.js';
import type { Canonicalizer } from './canonicalizer.js';
import { minus, nonnegCone, powerCones, total } from './tensor_algebra.js';

/**
 * |x|_p <= t  <=>  exists r: (r_i, t, x_i) in K_{1/p} and sum(r) <= t
 * (Alizadeh & Goldfarb's form): |x_i|^p <= r_i t^(p-1), so
 * sum |x_i|^p <= t^(p-1) sum r <= t^p.
 */
export const pnormCanon: Canonicalizer<Pnorm> = (atom, [x], vars) => {
  const n = x!.size;
  const t = vars.newVariable(1);
  const r = vars.newVariable(n);
  return { expr: t, constraints: [nonnegCone(minus(t, total(r))), powerCones(r, t, x!, 1 / atom.p, n)] };
};
