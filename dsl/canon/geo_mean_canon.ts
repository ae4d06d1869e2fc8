import type { GeoMean } from '../atoms/geo_mean.js';
import type { AffineTensor } from './affine_tensor.js';
import type { Canonicalizer } from './canonicalizer.js';
import { nonnegCone } from './tensor_algebra.js';
import { pick, powerConeTriples } from './tensor_pick.js';

/**
 * t <= prod_i x_i^(w_i) (hypograph) as a chain of power cones: with the
 * positive weights w_1..w_K and R_k = w_k + ... + w_K,
 *   (x_k, u_k, u_{k-1}) in K_{w_k / R_k},  u_0 = t,  u_{K-1} = x_K,
 * so u_{k-1} <= x_k^(w_k/R_k) u_k^(1 - w_k/R_k) and by induction
 * t <= prod_k x_k^(w_k). The cones also force every x_k >= 0 (the domain).
 */
export const geoMeanCanon: Canonicalizer<GeoMean> = (atom, [x], vars) => {
  const support = Array.from(atom.weights.keys()).filter((i) => atom.weights[i]! > 0);
  const entries = support.map((i) => pick(x!, [i]));
  if (entries.length === 1) return { expr: entries[0]!, constraints: [nonnegCone(entries[0]!)] };
  const t = vars.newVariable(1);
  const triples: [AffineTensor, AffineTensor, AffineTensor, number][] = [];
  let upper: AffineTensor = t;
  for (let k = 0; k < entries.length - 1; k++) {
    // Suffix sums computed afresh (not by subtraction), so alpha < 1 strictly: R_k includes w_K > 0.
    let remaining = 0;
    for (let j = k; j < support.length; j++) remaining += atom.weights[support[j]!]!;
    const alpha = atom.weights[support[k]!]! / remaining;
    const next = k === entries.length - 2 ? entries[k + 1]! : vars.newVariable(1);
    triples.push([entries[k]!, next, upper, alpha]);
    upper = next;
  }
  return { expr: t, constraints: [powerConeTriples(triples)] };
};
