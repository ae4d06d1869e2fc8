/**
 * Exact solution and gradient of one dense QP
 *   minimize 1/2 |S z|^2 + p'z  subject to  G z <= h       (Q = S'S)
 * from its active set, by dense LU of the equality-constrained KKT system
 *   [ Q    G_A' ] [ z   ]   [ -p  ]
 *   [ G_A  0    ] [ lam ] = [ h_A ].
 * The point is optimal (KKT conditions, sufficient for a convex QP) when
 * lam_A >= 0 and the inactive slacks h_I - G_I z >= 0; under strict
 * complementarity the solution map is differentiable there and, for a loss
 * l = w'z, the adjoint [u; v] = K^-1 [w; 0] gives (differentiating the KKT
 * system, as in OptNet, Amos & Kolter 2017, eq. 6-8, restricted to A):
 *   dl/dp = -u,   dl/dh_A = v,   dl/dG_A = -(lam_A u' + v z'),
 *   dl/dS = -(S z u' + S u z')    (from dQ = dS'S + S'dS),
 * and zero on the inactive rows. Used by bench/convex.ts as the reference
 * gradient, independent of the layers' backward passes.
 */
import { denseLu, luSolve } from './dense_lu.js';

export interface ActiveSetResult {
  /** True when the active-set point passed the optimality checks (lam_A >= 0, s_I >= 0, to `signTol`). */
  readonly optimal: boolean;
  readonly z: Float64Array;
  readonly lam: Float64Array;
  readonly active: Uint8Array;
  /** Smallest active multiplier and inactive slack relative to the data scale: the strict-complementarity margin. */
  readonly margin: number;
  readonly dS: Float64Array;
  readonly dp: Float64Array;
  readonly dG: Float64Array;
  readonly dh: Float64Array;
}

/**
 * Solves on the guessed active set (`active[k] = 1`), flipping rows whose
 * sign test fails (at most `attempts` times), and returns the point with the
 * gradient of l = w'z. S, G are row-major (n x n, m x n).
 */
export function activeSetQp(
  S: Float64Array, p: Float64Array, G: Float64Array, h: Float64Array, n: number, m: number,
  guess: Uint8Array, w: Float64Array, attempts = 4,
): ActiveSetResult {
  const Q = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < n; i++) {
      const ski = S[k * n + i]!;
      if (ski === 0) continue;
      for (let j = 0; j < n; j++) Q[i * n + j] += ski * S[k * n + j]!;
    }
  }
  const active = guess.slice();
  const scale = Math.max(1, ...Array.from(h, Math.abs), ...Array.from(p, Math.abs));
  const signTol = 1e-9 * scale;
  for (let attempt = 0; ; attempt++) {
    const rows: number[] = [];
    for (let k = 0; k < m; k++) if (active[k]) rows.push(k);
    const d = n + rows.length;
    const K = new Float64Array(d * d);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) K[i * d + j] = Q[i * n + j]!;
    rows.forEach((k, r) => {
      for (let j = 0; j < n; j++) {
        K[(n + r) * d + j] = G[k * n + j]!;
        K[j * d + n + r] = G[k * n + j]!;
      }
    });
    const rhs = new Float64Array(d);
    for (let i = 0; i < n; i++) rhs[i] = -p[i]!;
    rows.forEach((k, r) => (rhs[n + r] = h[k]!));
    const lu = denseLu(K, d);
    const sol = luSolve(lu, rhs);
    const z = sol.slice(0, n);
    const lam = new Float64Array(m);
    rows.forEach((k, r) => (lam[k] = sol[n + r]!));
    let flips = 0;
    let margin = Infinity;
    for (let k = 0; k < m; k++) {
      if (active[k]) {
        margin = Math.min(margin, lam[k]! / scale);
        if (!(lam[k]! >= -signTol)) {
          active[k] = 0;
          flips++;
        }
      } else {
        let gz = 0;
        for (let j = 0; j < n; j++) gz += G[k * n + j]! * z[j]!;
        const s = h[k]! - gz;
        margin = Math.min(margin, s / scale);
        if (!(s >= -signTol)) {
          active[k] = 1;
          flips++;
        }
      }
    }
    const optimal = flips === 0 && lu.pivotRatio > 1e-14;
    if (!optimal && attempt + 1 < attempts && flips > 0) continue;
    // Adjoint system: K is symmetric, so K^-1 [w; 0] uses the same factorization.
    const adjRhs = new Float64Array(d);
    adjRhs.set(w);
    const adj = luSolve(lu, adjRhs);
    const u = adj.subarray(0, n);
    const dp = Float64Array.from(u, (x) => -x);
    const dh = new Float64Array(m);
    const dG = new Float64Array(m * n);
    rows.forEach((k, r) => {
      const v = adj[n + r]!;
      dh[k] = v;
      for (let j = 0; j < n; j++) dG[k * n + j] = -(lam[k]! * u[j]! + v * z[j]!);
    });
    const Sz = new Float64Array(n);
    const Su = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let a = 0;
      let b = 0;
      for (let j = 0; j < n; j++) {
        a += S[i * n + j]! * z[j]!;
        b += S[i * n + j]! * u[j]!;
      }
      Sz[i] = a;
      Su[i] = b;
    }
    const dS = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) dS[i * n + j] = -(Sz[i]! * u[j]! + Su[i]! * z[j]!);
    return { optimal, z, lam, active, margin: Number.isFinite(margin) ? margin : 1, dS, dp, dG, dh };
  }
}
