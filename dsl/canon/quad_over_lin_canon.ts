import type { QuadOverLin } from '../atoms/quad_over_lin.js';
import type { Canonicalizer } from './canonicalizer.js';
import { quadOverLinCone } from './tensor_algebra.js';

/** |x|^2 / y <= t  <=>  (t + y, t - y, 2x) in the SOC (which also forces y >= 0). */
export const quadOverLinCanon: Canonicalizer<QuadOverLin> = (_atom, [x, y], vars) => {
  const t = vars.newVariable(1);
  return { expr: t, constraints: [quadOverLinCone(x!, y!, t)] };
};
