/**
 * Newton polishing of an SCS solution on the residual map of the homogeneous
 * embedding, R(z) = (Q - I) Pi(z) + z, z = (x, y - s, 1) (Agrawal et al. 2019):
 * z <- z - Mhat(z)^-1 R(z), renormalized to w = 1. The fixed point R(z) = 0 is
 * the exact KKT point whatever Jacobian is used, so polished solutions are an
 * independent reference for finite differences; SCS alone stalls near 1e-10.
 */
import { coneProjection, coneProjectionDerivative } from '../../../solvers/cones/index.js';
import { residualMap } from '../../../solvers/cone_derivative/residual_map.js';
import type { ConeProgram } from '../../../solvers/cone_program.js';
import { luFactor } from '../../../solvers/linalg/lu.js';
import type { ConeSolution } from '../../../solvers/scs/index.js';
import { cscMatVec, cscTransposeMatVec } from '../../../solvers/sparse/csc.js';

function residual(p: ConeProgram, z: Float64Array, n: number, m: number): { r: Float64Array; pi: Float64Array } {
  const v = z.subarray(n, n + m);
  const yv = coneProjection(p.cones, v, { dual: true });
  const w = Math.max(z[n + m]!, 0);
  const xu = z.subarray(0, n);
  const pi = new Float64Array(n + m + 1);
  pi.set(xu);
  pi.set(yv, n);
  pi[n + m] = w;
  // Q pi = (A'y + c w, -A x + b w, -c'x - b'y)
  const top = cscTransposeMatVec(p.A, yv);
  const mid = cscMatVec(p.A, xu);
  const r = new Float64Array(n + m + 1);
  let last = 0;
  for (let j = 0; j < n; j++) {
    r[j] = top[j]! + p.c[j]! * w;
    last -= p.c[j]! * xu[j]!;
  }
  for (let i = 0; i < m; i++) {
    r[n + i] = -mid[i]! + p.b[i]! * w;
    last -= p.b[i]! * yv[i]!;
  }
  r[n + m] = last;
  for (let i = 0; i < r.length; i++) r[i] = r[i]! - pi[i]! + z[i]!;
  return { r, pi };
}

/** Polishes `sol` with up to `steps` Newton steps; returns the improved solution and |R(z)|. */
export function polish(p: ConeProgram, sol: ConeSolution, steps = 4): { solution: ConeSolution; residual: number } {
  const n = p.c.length;
  const m = p.b.length;
  const N = n + m + 1;
  let z = new Float64Array(N);
  z.set(sol.x);
  for (let i = 0; i < m; i++) z[n + i] = sol.y[i]! - sol.s[i]!;
  z[N - 1] = 1;
  let best = residual(p, z, n, m);
  let bestNorm = Math.hypot(...best.r);
  for (let k = 0; k < steps && bestNorm > 1e-15; k++) {
    const v = z.subarray(n, n + m);
    const dpi = coneProjectionDerivative(p.cones, v, { dual: true });
    const map = residualMap(p.A, p.b, p.c, best.pi.subarray(0, n), best.pi.subarray(n, n + m), dpi);
    const lu = luFactor(map.toDense(), N, true);
    const step = lu.solve(best.r);
    const next = z.map((zi, i) => zi - step[i]!);
    const w = next[N - 1]!;
    for (let i = 0; i < N; i++) next[i]! /= w;
    const res = residual(p, next, n, m);
    const norm = Math.hypot(...res.r);
    if (!(norm < bestNorm)) break;
    z = next;
    best = res;
    bestNorm = norm;
  }
  const x = Float64Array.from(z.subarray(0, n));
  const y = Float64Array.from(best.pi.subarray(n, n + m));
  const s = y.map((yi, i) => yi - z[n + i]!);
  return { solution: { ...sol, x, y, s }, residual: bestNorm };
}
