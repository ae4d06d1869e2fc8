import { describe, expect, it } from 'vitest';
import { boundaryStep, maxStep, NEIGHBOURHOOD_GAMMA, neighbourhoodStep } from '../../../solvers/qp/step_length.js';

const f = (...v: number[]) => Float64Array.from(v);

/** min_k p_k / mean(p) at (s + a ds, lam + a dl). */
function centrality(s: Float64Array, ds: Float64Array, lam: Float64Array, dl: Float64Array, a: number): number {
  const p = Array.from(s, (sk, k) => (sk + a * ds[k]!) * (lam[k]! + a * dl[k]!));
  return Math.min(...p) / (p.reduce((x, y) => x + y, 0) / p.length);
}

describe('interior point step lengths', () => {
  it('maxStep and boundaryStep stop at the boundary of the positive orthant', () => {
    expect(maxStep(f(1, 2), f(-2, 1), 2)).toBe(0.5);
    expect(maxStep(f(1, 2), f(1, 1), 2)).toBe(1);
    expect(boundaryStep(f(1, 2), f(-2, 1), f(1, 1), f(-0.25, 0), 2, 0.99)).toBeCloseTo(0.495, 15);
  });

  it('keeps the full boundary step when the new point stays central', () => {
    const s = f(1, 1, 1);
    const lam = f(1, 1, 1);
    const ds = f(-0.5, -0.5, -0.5);
    const dl = f(-0.5, -0.5, -0.5);
    const aMax = boundaryStep(s, ds, lam, dl, 3, 0.99);
    expect(aMax).toBe(0.99);
    expect(neighbourhoodStep(s, ds, lam, dl, 3, aMax)).toBe(aMax);
  });

  it('shortens a step that would push one product far below the mean (the cycling pattern)', () => {
    // Pair 0 keeps its slack while its multiplier drops 100x; pair 1 stays large: the full step
    // leaves s0 lam0 about 1e-3 of mu, outside N_-inf(1e-2).
    const s = f(1e-3, 0.13);
    const lam = f(0.19, 0.19);
    const ds = f(0, -0.05);
    const dl = f(-0.188, -0.15);
    const aMax = boundaryStep(s, ds, lam, dl, 2, 0.99);
    expect(centrality(s, ds, lam, dl, aMax)).toBeLessThan(NEIGHBOURHOOD_GAMMA);
    const a = neighbourhoodStep(s, ds, lam, dl, 2, aMax);
    expect(a).toBeGreaterThan(0);
    expect(a).toBeLessThan(aMax);
    expect(centrality(s, ds, lam, dl, a)).toBeGreaterThanOrEqual(NEIGHBOURHOOD_GAMMA);
    // Backtracking by 0.8: the next longer trial step would have left the neighbourhood.
    expect(centrality(s, ds, lam, dl, a / 0.8)).toBeLessThan(NEIGHBOURHOOD_GAMMA);
  });

  it('lets a point outside the neighbourhood move only towards better centrality', () => {
    const s = f(1e-6, 1);
    const lam = f(1, 1);
    const c0 = centrality(s, f(0, 0), lam, f(0, 0), 0);
    expect(c0).toBeLessThan(NEIGHBOURHOOD_GAMMA);
    // Centering direction (raises the small product): a positive step is allowed.
    const up = neighbourhoodStep(s, f(1e-3, -0.5), lam, f(0, -0.5), 2, 0.9);
    expect(up).toBeGreaterThan(0);
    expect(centrality(s, f(1e-3, -0.5), lam, f(0, -0.5), up)).toBeGreaterThanOrEqual(c0);
    // A direction that only shrinks the worst product relative to mu: no step qualifies.
    expect(neighbourhoodStep(s, f(-0.5e-6, 0), lam, f(0, 0), 2, 0.99)).toBe(0);
  });
});
