import type { Norm2 } from '../atoms/norm2.js';
import { stackTensors } from './affine_tensor.js';
import type { Canonicalizer } from './canonicalizer.js';

/** |x|_2 <= t  <=>  (t, x) in the second-order cone. */
export const norm2Canon: Canonicalizer<Norm2> = (_atom, [x], vars) => {
  const t = vars.newVariable(1);
  const expr = stackTensors([t, x!]);
  return { expr: t, constraints: [{ cone: 'soc', expr, sizes: [expr.size] }] };
};
