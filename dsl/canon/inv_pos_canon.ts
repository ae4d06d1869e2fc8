import type { InvPos } from '../atoms/inv_pos.js';
import type { Canonicalizer } from './canonicalizer.js';
import { elementwiseQuadOverLinCones, filled } from './tensor_algebra.js';

/** 1/x <= t  <=>  1 <= t x with t, x >= 0: (t + x, t - x, 2) in a 3-dimensional SOC. */
export const invPosCanon: Canonicalizer<InvPos> = (atom, [x], vars) => {
  const t = vars.newVariable(atom.size);
  return { expr: t, constraints: [elementwiseQuadOverLinCones(filled(1), x!, t, atom.size)] };
};
