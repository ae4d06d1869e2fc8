import type { SumLargest } from '../atoms/sum_largest.js';
import type { Canonicalizer } from './canonicalizer.js';
import { minus, nonnegCone, plus, times, total } from './tensor_algebra.js';

/**
 * sum of the k largest x_i = min_{q, z} k q + sum(z) s.t. z >= x - q, z >= 0
 * (LP duality on max { x'w : 0 <= w <= 1, sum w = k }).
 */
export const sumLargestCanon: Canonicalizer<SumLargest> = (atom, [x], vars) => {
  const z = vars.newVariable(x!.size);
  const q = vars.newVariable(1);
  return {
    expr: plus(times(q, atom.k), total(z)),
    constraints: [nonnegCone(z), nonnegCone(plus(minus(z, x!), q))],
  };
};
