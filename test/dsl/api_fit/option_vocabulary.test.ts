import { beforeAll, describe, expect, it } from 'vitest';
import { Problem, minimize, norm, resolveSolveOptions, resolveTolerance, sumSquares, variable } from '../../../dsl/index.js';
import { ValueError } from '../../../solvers/errors.js';
import { initSolvers } from '../../../solvers/init.js';
import { resolveConvexOptions } from '../../../src/convex/index.js';
import { resolveOptNetStructure, resolveQpLayerOptions } from '../../../src/qp/index.js';

beforeAll(async () => {
  await initSolvers();
});

describe('one tolerance vocabulary: tol (abs = rel) plus epsAbs / epsRel', () => {
  it('problem.solve accepts tol, meaning epsAbs = epsRel = tol on SCS and the QP tolerance', () => {
    const viaTol = resolveSolveOptions({ tol: 1e-6 });
    expect(viaTol.scs.epsAbs).toBe(1e-6);
    expect(viaTol.scs.epsRel).toBe(1e-6);
    expect(viaTol.qp.tol).toBe(1e-6);
    expect(resolveSolveOptions({ epsAbs: 1e-6, epsRel: 1e-6 })).toEqual(viaTol);
    // Fine control: the QP route takes the tighter of the two.
    expect(resolveSolveOptions({ epsAbs: 1e-4, epsRel: 1e-7 }).qp.tol).toBe(1e-7);
  });

  it('problem.solve with tol: a loose tol stops SCS earlier than a tight one, both near the closed form', () => {
    const x = variable(3);
    const problem = new Problem(minimize(norm(x.sub([1, -2, 0.5]))), [x.ge(0)]);
    const loose = problem.solve({ solver: 'scs', tol: 1e-5 });
    const looseIters = loose.iterations;
    const tight = problem.solve({ solver: 'scs', tol: 1e-9 });
    expect(loose.status).toBe('optimal');
    expect(tight.status).toBe('optimal');
    // Closed form: the distance from (1, -2, 0.5) to the nonnegative orthant is 2.
    expect(tight.value).toBeCloseTo(2, 7);
    expect(Math.abs(loose.value - 2)).toBeLessThan(1e-4);
    expect(looseIters).toBeLessThan(tight.iterations);
  });

  it('the layers accept the same keys with the same meaning', () => {
    const viaTol = resolveConvexOptions({ tol: 1e-6 });
    expect(viaTol.scs.epsAbs).toBe(1e-6);
    expect(viaTol.scs.epsRel).toBe(1e-6);
    expect(viaTol.qp.tol).toBe(1e-6);
    expect(resolveConvexOptions({ epsAbs: 1e-6, epsRel: 1e-6 })).toEqual(viaTol);
    const fine = resolveConvexOptions({ epsAbs: 1e-5, epsRel: 1e-7 });
    expect([fine.scs.epsAbs, fine.scs.epsRel, fine.qp.tol]).toEqual([1e-5, 1e-7, 1e-7]);
    expect(resolveQpLayerOptions({ tol: 1e-7 }).tol).toBe(1e-7);
    expect(resolveQpLayerOptions({ epsAbs: 1e-5, epsRel: 1e-8 }).tol).toBe(1e-8);
    // OptNetLayer's arguments go through the same resolver.
    expect(resolveOptNetStructure({ nVariables: 2, epsAbs: 1e-6, epsRel: 1e-7 }).qp.tol).toBe(1e-7);
    expect(() => resolveOptNetStructure({ nVariables: 2, tol: 1e-6, epsRel: 1e-7 })).toThrow(ValueError);
  });

  it('tol together with a different epsAbs/epsRel is a ValueError everywhere; equal values are fine', () => {
    expect(() => resolveTolerance({ tol: 1e-6, epsAbs: 1e-4 }, 'x')).toThrow(/tol = 0.000001 sets both epsAbs and epsRel, but epsAbs = 0.0001/);
    expect(() => resolveSolveOptions({ tol: 1e-6, epsRel: 1e-4 })).toThrow(ValueError);
    expect(() => resolveConvexOptions({ tol: 1e-6, epsAbs: 1e-4 })).toThrow(ValueError);
    expect(() => resolveQpLayerOptions({ tol: 1e-6, epsAbs: 1e-4 })).toThrow(ValueError);
    expect(resolveSolveOptions({ tol: 1e-6, epsAbs: 1e-6 }).scs.epsRel).toBe(1e-6);
  });

  it('bad tolerance values are ValueErrors naming the key', () => {
    for (const bad of [0, -1, 1, 2, Number.NaN, Infinity, '1e-3']) {
      expect(() => resolveSolveOptions({ tol: bad as number })).toThrow(/solve option tol must be a number in \(0, 1\)/);
      expect(() => resolveConvexOptions({ epsRel: bad as number })).toThrow(/ConvexLayer option epsRel/);
      expect(() => resolveQpLayerOptions({ epsAbs: bad as number })).toThrow(/qp option epsAbs/);
    }
  });

  it('unknown keys are ValueErrors naming the key and listing the valid ones', () => {
    const x = variable(2);
    const problem = new Problem(minimize(sumSquares(x)));
    expect(() => problem.solve({ tolerance: 1e-3 } as never)).toThrow(/unknown solve option 'tolerance' \(known: solver, tol, epsAbs, epsRel, maxIters/);
    expect(() => resolveConvexOptions({ eps_abs: 1e-3 } as never)).toThrow(/unknown ConvexLayer option key 'eps_abs' \(known: solver, tol, epsAbs, epsRel/);
    expect(() => resolveQpLayerOptions({ epsabs: 1e-3 } as never)).toThrow(/unknown qp option key 'epsabs' \(known: tol, epsAbs, epsRel/);
  });
});
