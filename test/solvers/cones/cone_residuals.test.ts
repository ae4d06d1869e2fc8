import { describe, expect, it } from 'vitest';
import { NO_CONES, type ConeProgram } from '../../../solvers/cone_program.js';
import { coneResiduals, residualsWithin } from '../../../solvers/cones/cone_residuals.js';
import { cscFromDense } from '../../../solvers/sparse/csc.js';

const f = (...v: number[]): Float64Array => Float64Array.from(v);

describe('coneResiduals: row-wise residuals on capped data scales', () => {
  // x0 = 1e10 (zero row), x1 <= 1 (nonnegative row); minimize -x1: x = (1e10, 1), y = (0, 1).
  const p: ConeProgram = { A: cscFromDense(2, 2, [1, 0, 0, 1]), b: f(1e10, 1), c: f(0, -1), cones: { ...NO_CONES, zero: 1, nonneg: 1 } };

  it('is zero at the exact KKT point', () => {
    const r = coneResiduals(p, f(1e10, 1), f(0, 1), f(0, 0));
    expect(r.primal).toBe(0);
    expect(r.dual).toBe(0);
    expect(r.gap).toBe(0);
    expect(r.primalObjective).toBe(-1);
    expect(r.dualObjective).toBe(-1);
    expect(residualsWithin(r, 1e-12)).toBe(true);
  });

  it('judges a small row on its own scale: x1 = 2 next to x0 = 1e10 is a 25% violation, not 1e-10', () => {
    // Row 1: x1 + s1 - b1 = 2 + 0 - 1 = 1, scale 1 + |b1| + min(|x1|, ||b||) = 4.
    const r = coneResiduals(p, f(1e10, 2), f(0, 1), f(0, 0));
    expect(r.primal).toBeCloseTo(0.25, 12);
    expect(residualsWithin(r, 1e-5)).toBe(false);
  });

  it('projects s onto K and y onto K*, so cone violations show up as residuals', () => {
    // s1 = -0.5 is projected to 0: row 1 residual |1 + 0 - 1| = 0, but then y's sign: y1 = -1 -> 0 gives dual residual |c1 + 0| = 1.
    const r = coneResiduals(p, f(1e10, 1), f(0, -1), f(0, -0.5));
    expect(r.y[1]).toBe(0);
    expect(r.s[1]).toBe(0);
    expect(r.dual).toBeCloseTo(1 / (1 + 1 + Math.min(0, 1)), 12);
    // Second-order cone: s = (1, 2, 0) is outside {|u| <= t}; its projection (1.5, 1.5, 0) is used.
    const q: ConeProgram = { A: cscFromDense(3, 1, [-1, 0, 0]), b: f(0, 2, 0), c: f(1), cones: { ...NO_CONES, soc: [3] } };
    const rq = coneResiduals(q, f(-1), f(1, 0, 0), f(1, 2, 0));
    expect(Array.from(rq.s)).toEqual([1.5, 1.5, 0].map((v) => expect.closeTo(v, 12)));
    expect(rq.primal).toBeGreaterThan(0.1);
  });

  it('a diverging iterate cannot shrink its own residual (the scales are capped by the data)', () => {
    // Infeasible: x <= 1 and x >= 2. Along x = t the primal residual must not go to 0.
    const inf: ConeProgram = { A: cscFromDense(2, 1, [1, -1]), b: f(1, -2), c: f(1), cones: { ...NO_CONES, nonneg: 2 } };
    let last = 0;
    for (const t of [1.5, 10, 1e3, 1e6, 1e12]) {
      const x = f(t);
      const s = f(1 - t, -2 + t);
      const r = coneResiduals(inf, x, f(0, 0), s);
      expect(r.primal).toBeGreaterThanOrEqual(last);
      expect(r.primal).toBeGreaterThan(0.09);
      last = r.primal;
    }
  });
});
