import type { Pos } from '../atoms/pos.js';
import type { Canonicalizer } from './canonicalizer.js';
import { minus, nonnegCone } from './tensor_algebra.js';

/** max(x, 0) <= t  <=>  t >= x, t >= 0. */
export const posCanon: Canonicalizer<Pos> = (atom, [x], vars) => {
  const t = vars.newVariable(atom.size);
  return { expr: t, constraints: [nonnegCone(minus(t, x!)), nonnegCone(t)] };
};
