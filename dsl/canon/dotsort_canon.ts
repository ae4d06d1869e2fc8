import type { Dotsort } from '../atoms/dotsort.js';
import type { AffineTensor } from './affine_tensor.js';
import type { Canonicalizer } from './canonicalizer.js';
import type { ConeConstraint } from './cone_constraint.js';
import { minus, nonnegCone, plus, times, total } from './tensor_algebra.js';

/**
 * With w sorted decreasingly and S_k(x) the sum of the k largest entries,
 * Abel summation gives dotsort(x, w) = sum_{k<n} (w_k - w_{k+1}) S_k(x) + w_n sum(x),
 * every coefficient but the last >= 0. Each S_k is the LP
 * min k q + sum(z) s.t. z >= x - q, z >= 0 (as sumLargest); equal weights add nothing.
 */
export const dotsortCanon: Canonicalizer<Dotsort> = (atom, [x], vars) => {
  const w = atom.sortedWeights;
  const n = w.length;
  const terms: AffineTensor[] = [times(total(x!), w[n - 1]!)];
  const constraints: ConeConstraint[] = [];
  for (let k = 1; k < n; k++) {
    const gap = w[k - 1]! - w[k]!;
    if (gap <= 0) continue;
    const z = vars.newVariable(n);
    const q = vars.newVariable(1);
    constraints.push(nonnegCone(z), nonnegCone(plus(minus(z, x!), q)));
    terms.push(times(plus(times(q, k), total(z)), gap));
  }
  return { expr: plus(...terms), constraints };
};
