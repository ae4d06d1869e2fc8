/**
 * Independent evidence for the issue 14 regression suite: a seeded generator
 * of dense QPs with a planted solution and active set (including a weakly
 * active constraint, multiplier ~1e-4, and a nearly active one, slack ~1e-4),
 * and the exact active-set gradient computed by plain Gaussian elimination
 * here, not by any library code.
 */

import { mulberry32 } from '../../examples/common/random.js';

/** A mulberry32 generator: deterministic uniforms in [0, 1) (the examples' seeded generator). */
export const seededUniform = mulberry32;

/** Solves the dense square system M y = r (row-major M, n x n) by Gaussian elimination with partial pivoting. */
export function denseSolve(M: number[][], r: number[]): number[] {
  const n = r.length;
  const a = M.map((row, i) => [...row, r[i]!]);
  for (let k = 0; k < n; k++) {
    let piv = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(a[i]![k]!) > Math.abs(a[piv]![k]!)) piv = i;
    [a[k], a[piv]] = [a[piv]!, a[k]!];
    for (let i = k + 1; i < n; i++) {
      const f = a[i]![k]! / a[k]![k]!;
      for (let j = k; j <= n; j++) a[i]![j]! -= f * a[k]![j]!;
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = a[i]![n]!;
    for (let j = i + 1; j < n; j++) s -= a[i]![j]! * y[j]!;
    y[i] = s / a[i]![i]!;
  }
  return y;
}

/** One planted QP  min 1/2 z'Qz + p'z  s.t.  Gz <= h, with its solution and exact gradients of w'z. */
export interface PlantedQp {
  readonly Q: number[][];
  readonly G: number[][];
  readonly p: number[];
  readonly h: number[];
  readonly zStar: number[];
  readonly active: number[];
  /** Exact d(w'z*)/dp and d(w'z*)/dh for the fixed active set. */
  readonly w: number[];
  readonly dp: number[];
  readonly dh: number[];
}

/**
 * Builds Q = M M' + 0.1 I and G (shared, random), then per element a planted
 * z*, an active set of `nActive` rows with multipliers in [0.5, 2] except one
 * at `weak` (1e-4: weakly active), slacks in [0.5, 2] on the other rows except
 * one at `weak` (nearly active), and sets h = G z* + s, p = -Q z* - G_S' lam_S.
 * Gradients: with K = [[Q, G_S'], [G_S, 0]] and K [u; v] = [w; 0],
 * d(w'z)/dp = -u, d(w'z)/dh_S = v, d(w'z)/dh_inactive = 0.
 */
export function plantedQpBatch(seed: number, batch: number, n: number, m: number, nActive: number, weak = 1e-4): { Q: number[][]; G: number[][]; items: PlantedQp[] } {
  const rand = seededUniform(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const M = Array.from({ length: n }, () => Array.from({ length: n }, normal));
  const Q = M.map((ri, i) => M.map((rj, j) => ri.reduce((s, v, k) => s + v * rj[k]!, 0) / n + (i === j ? 0.1 : 0)));
  const G = Array.from({ length: m }, () => Array.from({ length: n }, normal));
  const items: PlantedQp[] = [];
  for (let e = 0; e < batch; e++) {
    const zStar = Array.from({ length: n }, normal);
    const order = Array.from({ length: m }, (_, i) => i).sort(() => rand() - 0.5);
    const active = order.slice(0, nActive).sort((a, b) => a - b);
    const lam = new Array<number>(m).fill(0);
    const slack = new Array<number>(m).fill(0);
    active.forEach((i, k) => (lam[i] = k === 0 ? weak : 0.5 + 1.5 * rand()));
    order.slice(nActive).forEach((i, k) => (slack[i] = k === 0 ? weak : 0.5 + 1.5 * rand()));
    const h = G.map((g, i) => g.reduce((s, v, j) => s + v * zStar[j]!, 0) + slack[i]!);
    const p = Q.map((q, i) => -q.reduce((s, v, j) => s + v * zStar[j]!, 0) - G.reduce((s, g, k) => s + g[i]! * lam[k]!, 0));
    const w = Array.from({ length: n }, normal);
    const K: number[][] = [];
    for (let i = 0; i < n; i++) K.push([...Q[i]!, ...active.map((k) => G[k]![i]!)]);
    for (const k of active) K.push([...G[k]!, ...active.map(() => 0)]);
    const uv = denseSolve(K, [...w, ...active.map(() => 0)]);
    const dh = new Array<number>(m).fill(0);
    active.forEach((k, r) => (dh[k] = uv[n + r]!));
    items.push({ Q, G, p, h, zStar, active, w, dp: uv.slice(0, n).map((u) => -u), dh });
  }
  return { Q, G, items };
}

/** max_i |a_i - b_i| / max(1, max_i |b_i|). */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let err = 0;
  let scale = 1;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return err / scale;
}
