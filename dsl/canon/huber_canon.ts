import type { Huber } from '../atoms/huber.js';
import type { Canonicalizer } from './canonicalizer.js';
import { elementwiseQuadOverLinCones, filled, minus, nonnegCone, plus, times } from './tensor_algebra.js';

/**
 * huber(x, M) = min_n n^2 + 2M|x - n| (entrywise): fresh n, a >= |x - n|,
 * q >= n^2; the stand-in is q + 2M a.
 */
export const huberCanon: Canonicalizer<Huber> = (atom, [x], vars) => {
  const size = atom.size;
  const n = vars.newVariable(size);
  const a = vars.newVariable(size);
  const q = vars.newVariable(size);
  const s = minus(x!, n);
  return {
    expr: plus(q, times(a, 2 * atom.M)),
    constraints: [nonnegCone(minus(a, s)), nonnegCone(plus(a, s)), elementwiseQuadOverLinCones(n, filled(1), q, size)],
  };
};
