import type { SumSquares } from '../atoms/sum_squares.js';
import type { Canonicalizer } from './canonicalizer.js';
import { filled, quadOverLinCone } from './tensor_algebra.js';

/** sum(x^2) <= t  <=>  (t + 1, t - 1, 2x) in the SOC (quadOverLin with y = 1). */
export const sumSquaresCanon: Canonicalizer<SumSquares> = (_atom, [x], vars) => {
  const t = vars.newVariable(1);
  return { expr: t, constraints: [quadOverLinCone(x!, filled(1), t)] };
};
