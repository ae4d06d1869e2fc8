/**
 * Step-length rules of the QP interior point method (`solveQpExample`).
 *
 * Mehrotra's predictor-corrector with a fixed fraction-to-the-boundary step
 * has no centrality control: a step may leave one complementarity product
 * s_k lam_k hundreds of times below the mean mu = s'lam / m while another sits
 * above it. The next corrector then aims that pair at sigma mu, so its
 * multiplier step is about sigma mu / s_k (huge), the step overshoots, and the
 * iteration can settle into a cycle in which mu never decreases (a stable
 * period-4 orbit on a 4 x 4 strictly convex QP with an interior solution; see
 * test/solvers/qp/qp_robustness.test.ts). Cartis (2009) and Salahi, Peng &
 * Terlaky (2007) describe such failures of Mehrotra-type methods.
 *
 * The safeguard: every step keeps the iterate in the wide neighbourhood of
 * the central path N_-inf(gamma) = {min_k s_k lam_k >= gamma mu} (Wright,
 * "Primal-Dual Interior-Point Methods", 1997, ch. 5; Nocedal & Wright,
 * "Numerical Optimization", 2nd ed., eq. 14.17 and Alg. 14.2), and when that
 * cuts the Mehrotra step short, a plain centering direction is tried instead
 * (Salahi, Peng & Terlaky, SIAM J. Optim. 18(4), 2007).
 */

/** gamma of the neighbourhood N_-inf(gamma): no product below 1/100 of the mean. */
export const NEIGHBOURHOOD_GAMMA = 1e-2;

/**
 * The centering fallback is tried when the neighbourhood shortens the
 * Mehrotra step below this fraction of its fraction-to-the-boundary step.
 */
export const FALLBACK_STEP_RATIO = 0.5;

/**
 * Least centering sigma of the fallback direction s.dlam + lam.ds = sigma mu - s.lam
 * (no second-order term): along it every product below sigma mu grows
 * relative to mu to first order, so short steps keep (or restore) centrality.
 */
export const FALLBACK_SIGMA = 0.3;

/** Shrink factor of the neighbourhood backtracking, and its number of trials (0.8^60 ~ 1.5e-6). */
const BACKTRACK_FACTOR = 0.8;
const BACKTRACK_TRIALS = 60;

/** Largest alpha in [0, 1] with x + alpha dx >= 0 (componentwise, x > 0). */
export function maxStep(x: Float64Array, dx: Float64Array, m: number): number {
  let a = 1;
  for (let i = 0; i < m; i++) {
    const d = dx[i]!;
    if (d < 0) {
      const t = -x[i]! / d;
      if (t < a) a = t;
    }
  }
  return a;
}

/** The fraction-to-the-boundary step min(1, stepFraction * alpha_max) along (ds, dlam), alpha_max from `maxStep`. */
export function boundaryStep(s: Float64Array, ds: Float64Array, lam: Float64Array, dl: Float64Array, m: number, stepFraction: number): number {
  return Math.min(1, stepFraction * Math.min(maxStep(s, ds, m), maxStep(lam, dl, m)));
}

/**
 * Step along (ds, dlam) from (s, lam) > 0: `alphaMax` (the boundary step),
 * shortened by backtracking (factor 0.8) until the new point lies in
 * N_-inf(floor),
 *   min_k (s_k + a ds_k)(lam_k + a dlam_k) >= floor * mu(a),
 * with floor = min(gamma, min_k s_k lam_k / mu): a point already outside the
 * neighbourhood (e.g. the starting point) may not get less central, rather
 * than being forced back into it at once. Returns 0 when no trial step down
 * to 1.5e-6 alphaMax qualifies. m >= 1.
 */
export function neighbourhoodStep(
  s: Float64Array, ds: Float64Array, lam: Float64Array, dl: Float64Array, m: number,
  alphaMax: number, gamma: number = NEIGHBOURHOOD_GAMMA,
): number {
  let gap = 0;
  let minProduct = Infinity;
  for (let k = 0; k < m; k++) {
    const p = s[k]! * lam[k]!;
    gap += p;
    if (p < minProduct) minProduct = p;
  }
  const floor = Math.min(gamma, minProduct / (gap / m));
  let a = alphaMax;
  for (let trial = 0; trial < BACKTRACK_TRIALS; trial++, a *= BACKTRACK_FACTOR) {
    let g = 0;
    let least = Infinity;
    for (let k = 0; k < m; k++) {
      const p = (s[k]! + a * ds[k]!) * (lam[k]! + a * dl[k]!);
      g += p;
      if (p < least) least = p;
    }
    if (least >= floor * (g / m)) return a;
  }
  return 0;
}
