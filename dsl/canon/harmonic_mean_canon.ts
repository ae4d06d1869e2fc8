import type { HarmonicMean } from '../atoms/harmonic_mean.js';
import type { Canonicalizer } from './canonicalizer.js';
import { elementwiseQuadOverLinCones, minus, nonnegCone, times, total } from './tensor_algebra.js';

/**
 * t <= n / sum(1/x_i)  <=  t^2 <= z_i x_i (rotated SOCs, which also force
 * x, z >= 0) and sum(z) <= n t: then t sum(t / x_i) <= sum z_i <= n t, i.e.
 * t <= n / sum(1/x) when t > 0, and t = 0 is always feasible; at the optimum
 * z_i = t^2 / x_i makes it tight.
 */
export const harmonicMeanCanon: Canonicalizer<HarmonicMean> = (_atom, [x], vars) => {
  const n = x!.size;
  const t = vars.newVariable(1);
  const z = vars.newVariable(n);
  return { expr: t, constraints: [elementwiseQuadOverLinCones(t, x!, z, n), nonnegCone(minus(times(t, n), total(z)))] };
};
