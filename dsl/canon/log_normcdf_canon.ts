import { LOG_NORMCDF_BREAKPOINTS, LOG_NORMCDF_WEIGHTS, type LogNormcdf } from '../atoms/log_normcdf.js';
import type { AffineTensor } from './affine_tensor.js';
import type { Canonicalizer } from './canonicalizer.js';
import type { ConeConstraint } from './cone_constraint.js';
import { elementwiseQuadOverLinCones, filled, minus, nonnegCone, plus, times } from './tensor_algebra.js';

/**
 * Hypograph of -sum_k w_k max(b_k - x, 0)^2: per breakpoint, u_k >= b_k - x,
 * u_k >= 0, s_k >= u_k^2 (SOC); the stand-in is -sum_k w_k s_k.
 */
export const logNormcdfCanon: Canonicalizer<LogNormcdf> = (atom, [x], vars) => {
  const n = atom.size;
  const terms: AffineTensor[] = [];
  const constraints: ConeConstraint[] = [];
  LOG_NORMCDF_BREAKPOINTS.forEach((b, k) => {
    const u = vars.newVariable(n);
    const s = vars.newVariable(n);
    constraints.push(nonnegCone(u), nonnegCone(plus(minus(u, filled(b)), x!)), elementwiseQuadOverLinCones(u, filled(1), s, n));
    terms.push(times(s, -LOG_NORMCDF_WEIGHTS[k]!));
  });
  return { expr: plus(...terms), constraints };
};
