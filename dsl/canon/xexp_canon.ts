import type { Xexp } from '../atoms/xexp.js';
import type { Canonicalizer } from './canonicalizer.js';
import { elementwiseQuadOverLinCones, expCones, filled } from './tensor_algebra.js';

/**
 * x e^x <= t  <=  u >= x^2 (SOC) and (u, x, t) in the exponential cone
 * (x e^(u/x) <= t, which forces x >= 0): x e^(u/x) >= x e^x, with equality at u = x^2.
 */
export const xexpCanon: Canonicalizer<Xexp> = (atom, [x], vars) => {
  const n = atom.size;
  const t = vars.newVariable(n);
  const u = vars.newVariable(n);
  return { expr: t, constraints: [elementwiseQuadOverLinCones(x!, filled(1), u, n), expCones(u, x!, t, n)] };
};
