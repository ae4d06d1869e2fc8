import { beforeAll, describe, expect, it } from 'vitest';
import { cscFromDense, loadScs, NO_CONES, solveScs, ShapeError, ValueError } from '../../solvers/index.js';

beforeAll(async () => {
  await loadScs();
});

describe('SCS adapter', () => {
  it('solves the SCS documentation QP to known values', () => {
    // min 1/2 x'Px + c'x, P = [[3,-1],[-1,2]], c = [-1,-1]; -x0 + x1 = -1; x0 <= 0.3; x1 <= -0.5.
    const sol = solveScs({
      A: cscFromDense(3, 2, [-1, 1, 1, 0, 0, 1]),
      b: Float64Array.from([-1, 0.3, -0.5]),
      c: Float64Array.from([-1, -1]),
      P: cscFromDense(2, 2, [3, -1, -1, 2]),
      cones: { ...NO_CONES, zero: 1, nonneg: 2 },
    });
    expect(sol.status).toBe('optimal');
    expect(sol.x[0]).toBeCloseTo(0.3, 7);
    expect(sol.x[1]).toBeCloseTo(-0.7, 7);
    expect(sol.y[0]).toBeCloseTo(2.7, 6);
    expect(sol.y[1]).toBeCloseTo(2.1, 6);
  });

  it('reports infeasible and unbounded problems as statuses', () => {
    const infeasible = solveScs({
      A: cscFromDense(2, 1, [-1, 1]),
      b: Float64Array.from([-1, 0]),
      c: Float64Array.from([1]),
      cones: { ...NO_CONES, nonneg: 2 },
    });
    expect(infeasible.status).toBe('infeasible');
    const unbounded = solveScs({
      A: cscFromDense(1, 1, [-1]),
      b: Float64Array.from([0]),
      c: Float64Array.from([-1]),
      cones: { ...NO_CONES, nonneg: 1 },
    });
    expect(unbounded.status).toBe('unbounded');
  });

  it('solves a second-order cone program: min t s.t. |x - a| <= t', () => {
    // variables (t, x1, x2); rows: (t, x - a) in SOC  <=>  -[t; x] + s = [0; -a].
    const a = [3, 4];
    const sol = solveScs({
      A: cscFromDense(3, 3, [-1, 0, 0, 0, -1, 0, 0, 0, -1]),
      b: Float64Array.from([0, -a[0]!, -a[1]!]),
      c: Float64Array.from([1, 0, 0]),
      cones: { ...NO_CONES, soc: [3] },
    });
    expect(sol.status).toBe('optimal');
    expect(sol.x[0]).toBeCloseTo(0, 6);
  });

  it('warm-starts from a previous solution in fewer iterations', () => {
    const problem = {
      A: cscFromDense(3, 2, [-1, 1, 1, 0, 0, 1]),
      b: Float64Array.from([-1, 0.3, -0.5]),
      c: Float64Array.from([-1, -1]),
      P: cscFromDense(2, 2, [3, -1, -1, 2]),
      cones: { ...NO_CONES, zero: 1, nonneg: 2 },
    };
    const cold = solveScs(problem);
    const warm = solveScs(problem, {}, cold);
    expect(warm.stats.iterations).toBeLessThanOrEqual(cold.stats.iterations);
    expect(warm.x[0]).toBeCloseTo(0.3, 7);
  });

  it('rejects bad data with typed errors', () => {
    expect(() =>
      solveScs({ A: cscFromDense(2, 1, [1, 1]), b: Float64Array.from([1]), c: Float64Array.from([1]), cones: { ...NO_CONES, nonneg: 2 } }),
    ).toThrow(ShapeError);
    expect(() =>
      solveScs({ A: cscFromDense(1, 1, [1]), b: Float64Array.from([NaN]), c: Float64Array.from([1]), cones: { ...NO_CONES, nonneg: 1 } }),
    ).toThrow(ValueError);
    expect(() =>
      solveScs({ A: cscFromDense(1, 1, [1]), b: Float64Array.from([1]), c: Float64Array.from([1]), cones: { ...NO_CONES, nonneg: 1 } }, { epsAbs: -1 }),
    ).toThrow(/epsAbs/);
  });
});
