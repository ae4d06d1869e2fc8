import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Parameter, Problem, compileProblem, minimize, problemData, thetaFromParameters } from '../../dsl/index.js';
import { CanonContext } from '../../dsl/compile/canonicalize.js';
import { CONST } from '../../dsl/canon/affine_tensor.js';
import { cscMatVec, cscTransposeMatVec } from '../../solvers/index.js';
import { mulberry32, randomAffine } from './random_affine.js';

const shapes: number[][] = [[], [1], [3], [4], [2, 3], [3, 3], [1, 2]];

describe('affine canonicalization (property tests)', () => {
  it('the affine tensor of a random expression reproduces direct evaluation', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 4 }), fc.constantFrom(...shapes), (seed, depth, shape) => {
        const { expr, variables, parameters } = randomAffine(mulberry32(seed), shape, depth);
        const offsets = new Map<Parameter, number>();
        let theta = 0;
        for (const p of parameters) {
          offsets.set(p, theta);
          theta += p.size;
        }
        const ctx = new CanonContext(offsets);
        const t = ctx.canonicalize(expr);
        const Theta = new Float64Array(theta);
        for (const p of parameters) Theta.set(p.value!.data, offsets.get(p)!);
        const X = new Float64Array(ctx.columns);
        for (const v of variables) if (ctx.variableOffsets.has(v)) X.set(v.value!.data, ctx.variableOffsets.get(v)!);
        const got = new Float64Array(expr.size);
        for (let k = 0; k < t.nnz; k++) {
          const x = t.xcols[k] === CONST ? 1 : X[t.xcols[k]!]!;
          const th = t.tcols[k] === CONST ? 1 : Theta[t.tcols[k]!]!;
          got[t.rows[k]!]! += t.vals[k]! * x * th;
        }
        const want = expr.value!.data;
        expect(t.size).toBe(expr.size);
        for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 9);
      }),
      { numRuns: 300 },
    );
  });

  it('the compiled parameter-to-data map reproduces evaluation for new parameter values (s = b - Ax on expr == 0)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 3 }), fc.constantFrom(...shapes), (seed, depth, shape) => {
        const rng = mulberry32(seed);
        const { expr, parameters } = randomAffine(rng, shape, depth);
        const problem = new Problem(minimize(0), [expr.eq(0)]);
        expect(problem.isDpp()).toBe(true);
        const compiled = compileProblem(problem);
        // Fresh parameter values after compiling: the map must follow them.
        for (const p of parameters) p.value = Float64Array.from({ length: p.size }, () => rng() * 6 - 3);
        const data = problemData(compiled, thetaFromParameters(compiled));
        const x = new Float64Array(compiled.n);
        for (const slot of compiled.variables) cscTransposeMatVec(slot.recovery, slot.ref.value!.data, x, true);
        const ax = cscMatVec(data.A, x);
        const slot = compiled.constraints[0]!;
        expect(compiled.cones.zero).toBeGreaterThanOrEqual(expr.size);
        const s = Float64Array.from(data.b, (bi, i) => bi - ax[i]!);
        // The constraint's rows are where its dual recovery map points.
        const rows = cscMatVec(slot.dualRecovery, s);
        const want = expr.value!.data;
        for (let i = 0; i < want.length; i++) expect(rows[i]).toBeCloseTo(want[i]!, 9);
      }),
      { numRuns: 150 },
    );
  });
});
