/**
 * The short DSL fuzz campaign (issue 14's correctness harness) run by
 * `npm test`: random DCP problems over every atom and affine operator, solved
 * on every route and checked against independent evidence (see
 * fuzz/dsl_fuzz.ts), with the generator's 'base' atom lists (the seeds below
 * were found with them) and its 'extended' ones (the issue 12 atoms too).
 * Long campaigns: `npm run fuzz -- --target dsl [--atoms extended] --cases N --seed S`.
 * Seeds/cases that once failed stay here as regressions.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CANONICALIZERS, Problem, Value, initSolvers, log, maximize, minimize, powCone, sqrt, sum, variable } from '../../dsl/index.js';
import { type DslFuzzSummary, runDslFuzz } from '../../fuzz/dsl_fuzz.js';
import { probeOptimality, worstViolation } from '../../fuzz/dsl_evidence.js';
import { generateProblem } from '../../fuzz/dsl_generator.js';
import { EXTENDED_HELPERS, EXTENDED_ONLY_ATOMS } from '../../fuzz/dsl_generator_extended.js';
import { Prng, caseSeed } from '../../fuzz/prng.js';
import { ValueError } from '../../solvers/errors.js';
import { runDslFuzzIsolated } from '../../fuzz/dsl_isolated.js';
import { runQpFuzz } from '../../fuzz/qp_fuzz.js';
import { TimedQpSolver, withTimeouts } from '../../fuzz/qp_timed.js';


const AFFINE_OPS = ['add', 'sub', 'negate', 'mul', 'div', 'matmul', 'index', 'slice', 'sum', 'reshape', 'vec', 'T', 'hstack', 'vstack', 'trace', 'diag', 'cumsum', 'diff'];

function expectClean(s: DslFuzzSummary): void {
  const shown = s.failures.filter((f) => f.category !== 'gradient-flagged' && f.category !== 'flagged').map((f) => `case ${f.index} ${f.category} ${f.route ?? ''}: ${f.detail}\n${f.problem}`);
  expect(shown, shown.join('\n\n')).toEqual([]);
  expect(s.wrongOptimal).toBe(0);
  expect(s.falseCertificates).toBe(0);
  expect(s.untypedExceptions).toBe(0);
  expect(s.typedErrors).toBe(0);
  expect(s.timeouts).toBe(0);
  expect(s.routeDisagreements).toBe(0);
  expect(s.gradientFailures).toBe(0);
}

describe('DSL fuzzer (short campaign)', () => {
  it('120 random problems (seed 14): no wrong optimal, no false certificate, typed errors only, gradients agree', async () => {
    const s = await runDslFuzz({ cases: 120, seed: 14, gradientFraction: 0.5 });
    expectClean(s);
    expect(s.accepted).toBe(120);
    // The campaign must actually exercise what it claims to.
    expect(s.planted.infeasible).toBeGreaterThan(0);
    expect(s.planted.unbounded).toBeGreaterThan(0);
    expect(s.optimal).toBeGreaterThan(150);
    expect(s.dpp).toBeLessThan(s.accepted); // some problems are non-DPP (parameter-only atoms), solved frozen
    expect(s.gradientChecks).toBeGreaterThan(5);
    // The issue 12 atoms are the extended lists' (below): drawing them here would renumber the regression seeds.
    for (const atom of Object.keys(CANONICALIZERS).filter((a) => !EXTENDED_ONLY_ATOMS.includes(a))) expect(s.coverage, `atom ${atom}`).toContain(atom);
    for (const op of AFFINE_OPS) expect(s.coverage, `operator ${op}`).toContain(op);
  });

  it("atoms 'extended', 100 random problems (seed 255): every atom, helper and powCone drawn, and as clean as the base lists", async () => {
    const s = await runDslFuzz({ cases: 100, seed: 255, atoms: 'extended', gradientFraction: 1 });
    expectClean(s);
    expect(s.accepted).toBe(100);
    expect(s.planted.infeasible).toBeGreaterThan(0);
    expect(s.planted.unbounded).toBeGreaterThan(0);
    expect(s.optimal).toBeGreaterThan(150);
    expect(s.dpp).toBeLessThan(s.accepted);
    expect(s.gradientChecks).toBeGreaterThan(5);
    for (const atom of Object.keys(CANONICALIZERS)) expect(s.coverage, `atom ${atom}`).toContain(atom);
    for (const name of [...EXTENDED_HELPERS, ...AFFINE_OPS]) expect(s.coverage, `helper or operator ${name}`).toContain(name);
  }, 60_000);

  it("atoms 'extended' catches a wrong canonicalizer (geoMean canonicalized as harmonicMean, restored after)", async () => {
    // Both are concave, increasing, nonnegative on x >= 0, so the DCP analysis cannot tell; only the evidence can.
    const table = CANONICALIZERS as unknown as Record<string, unknown>;
    const right = table.geoMean;
    let s: DslFuzzSummary;
    try {
      table.geoMean = table.harmonicMean;
      s = await runDslFuzz({ cases: 40, seed: 255, atoms: 'extended', gradientFraction: 0 });
    } finally {
      table.geoMean = right;
    }
    // Caught either by the fuzzer's evidence (a wrong 'optimal') or already by problem.solve's own
    // post-solve check, which compares the reported value with the objective evaluated at the point
    // and flags the mismatch; every case caught involves geoMean.
    const caught = s.failures.filter((f) => f.category === 'wrong-optimal' || (f.category === 'flagged' && f.detail.includes('the objective')));
    expect(caught.length).toBeGreaterThan(0);
    expect(caught.every((f) => f.problem.includes('geoMean'))).toBe(true);
  }, 60_000);

  it("regressions, atoms 'extended': cases that once failed or were flagged", async () => {
    // seed 255 case 21: a powCone with alpha 0.13 and SCS's x 1.3e-9 below 0 was called 'numerical_error' by the
    // post-solve check (steep bound at x = 0; minimal repro in test/dsl/atoms_v2/regressions.test.ts).
    // (Seed 2027 case 688, xexp of a convex argument of unknown sign, was a generator draw the DCP rules now
    // reject; the generator no longer makes it, and its minimal repro is in regressions.test.ts too.)
    const s = await runDslFuzz({ cases: 0, seed: 255, only: [21], atoms: 'extended', gradientFraction: 1 });
    expectClean(s);
    expect(s.flagged).toBe(0);
    expect(s.optimal).toBe(2);
  });

  it("atoms 'base' (the default) still generates the problems the regression seeds were found with", async () => {
    // A fingerprint of what decides each problem (planted kind, atoms drawn, x0, parameter values),
    // recorded when the 'extended' lists were added, after checking that the printed problems of
    // cases 0..1599 of seeds 1, 2, 14 and 2026 were byte-identical before and after that change.
    const hash = createHash('sha256');
    for (const [seed, only] of [[1, [13]], [2, [177, 204]], [2026, [930, 1445, 1541]], [14, Array.from({ length: 120 }, (_, i) => i)]] as const) {
      for (const i of only) {
        const g = generateProblem(new Prng(caseSeed(seed, i)));
        hash.update(JSON.stringify([g.kind, g.regularized, [...g.used].sort(), g.x0.map((x) => Array.from(x)), g.parameters.map((p) => Array.from(p.value!.data)), g.problem.constraints.length]));
      }
    }
    expect(hash.digest('hex')).toBe('7c74ba71f4c4a80cca390a770d3cb1d1e64c4bae8303db0f597855c3594bddf1');
    // An unknown list name is misuse, refused before any case runs.
    expect(() => generateProblem(new Prng(1), { atoms: 'all' as 'base' })).toThrow(ValueError);
    await expect(runDslFuzz({ cases: 1, seed: 1, atoms: 'extnded' as 'extended' })).rejects.toThrow(/atoms must be 'base' or 'extended', got extnded/);
  });

  it('regressions: cases that once failed', async () => {
    // seed 1 case 13: a probe left a nonneg variable's domain (evidence ignored sign attributes);
    // seed 2 cases 177, 204: -Infinity inside minimum() was snapped to 0 by the domain tolerance;
    // seed 2026 case 1541: a false 'infeasible' from the QP route (a parameter-only equality row) seen
    // during the 10,000-problem campaign while the QP solver was being changed; seed 2026 cases 930,
    // 1445: klDiv at its domain boundary made the post-solve check call SCS's good point infeasible.
    for (const [seed, only] of [
      [1, [13]],
      [2, [177, 204]],
      [2026, [930, 1445, 1541]],
    ] as const) {
      expectClean(await runDslFuzz({ cases: 0, seed, only, gradientFraction: 1 }));
    }
  });
});

describe('the per-case time limit (worker threads)', () => {
  it('a hung DSL case is interrupted, counted as a timeout with its index, and the campaign resumes after it', async () => {
    // Case 1 spins forever (test hook); the others must come back exactly as in-process. Two workers:
    // chunks [0, 1] and [2], so the resume after the hung case and the merge of chunks are both exercised.
    const s = await runDslFuzzIsolated({ cases: 3, seed: 14, stallCases: [1], caseTimeoutMs: 1500, jobs: 2 });
    expect(s.cases).toBe(3);
    expect(s.timeouts).toBe(1);
    expect(s.failures.map((f) => [f.index, f.category])).toEqual([[1, 'timeout']]);
    expect(s.failures[0]!.problem).toContain('planted');
    const direct = await runDslFuzz({ cases: 0, seed: 14, only: [0, 2] });
    expect(s.accepted).toBe(2);
    for (const k of ['solves', 'optimal', 'certificatesCorrect', 'dpp', 'gradientChecks'] as const) expect(s[k], k).toBe(direct[k]);
  }, 60_000);

  it('a hung QP solve is interrupted and counted as a timeout, the next cases still solved', async () => {
    const solver = new TimedQpSolver(1500, 120_000, [1]);
    const s = withTimeouts(await runQpFuzz({ cases: 3, seed: 1, solve: solver.solve }), solver);
    await solver.close();
    const direct = await runQpFuzz({ cases: 3, seed: 1 });
    expect(s.timeouts).toBe(1);
    expect(s.timedOutCases).toEqual([1]);
    expect(s.untypedExceptions).toBe(0);
    expect(s.failures.map((f) => [f.index, f.status])).toEqual([[1, 'exception']]);
    // The two other cases agree with the in-process solver (case 1's examples are lost, nothing else).
    const right = (q: typeof direct) => q.solvable.right + q.infeasible.right + q.unbounded.right;
    expect(right(direct) - right(s)).toBe(s.examples - (s.solvable.right + s.infeasible.right + s.unbounded.right));
    expect(right(s)).toBeGreaterThan(0);
  }, 60_000);
});

describe('the fuzzer evidence can fail', () => {
  it('worstViolation flags a violated constraint, a domain exit and a sign attribute', () => {
    const x = variable(2, 'x');
    const y = variable(1, { name: 'y', nonneg: true });
    const cons = [sum(x).le(1), sqrt(x.index(0)).ge(0.5)];
    x.value = [0.5, 0.4];
    y.value = [1];
    expect(worstViolation(cons, [y]).value).toBe(0);
    x.value = [0.5, 0.7]; // sum 1.2 > 1
    expect(worstViolation(cons, [y]).value).toBeGreaterThan(0.05);
    x.value = [-0.5, 0]; // sqrt(-0.5) is outside the domain
    expect(worstViolation(cons, [y]).value).toBe(Infinity);
    x.value = [0.5, 0.4];
    y.value = [-1];
    expect(worstViolation(cons, [y]).value).toBeGreaterThan(0.1);
  });

  it('worstViolation reads powCone as |z| <= x^a y^(1-a), x, y >= 0 (not as an equality or inequality of two sides)', () => {
    const x = variable([], 'x');
    const y = variable([], 'y');
    const z = variable([], 'z');
    const cons = [powCone(x, y, z, 0.25)];
    const set = (a: number, b: number, c: number) => {
      x.value = [a];
      y.value = [b];
      z.value = [c];
      return worstViolation(cons).value;
    };
    // 16^0.25 * 1^0.75 = 2: |z| = 1.9 inside, on the boundary at 2. |z| = 2.5 is outside; the nearest
    // coordinate move is y, to (2.5 / 16^0.25)^(4/3) = 1.3465 (z would move 0.5, x to 2.5^4 = 39.06), over 1 + 16 + 1 + 2.5.
    expect(set(16, 1, -1.9)).toBe(0);
    expect(set(16, 1, 2)).toBe(0);
    expect(set(16, 1, -2.5)).toBeCloseTo((1.25 ** (4 / 3) - 1) / 20.5, 12);
    // At x = y = 1 moving z (by 1.5) is cheapest (y would move 2.5^(4/3) - 1 = 2.39, x 2.5^4 - 1 = 38.06), over 1 + 1 + 1 + 2.5.
    expect(set(1, 1, 2.5)).toBeCloseTo(1.5 / 5.5, 12);
    // x < 0 is outside the cone even with z = 0 (x^a y^(1-a) alone would be NaN).
    expect(set(-0.5, 1, 0)).toBeCloseTo(0.5 / 2.5, 12);
    expect(set(1, -2, 0)).toBeCloseTo(2 / 4, 12);
    // A steep bound (alpha = 0.13): x = -1e-9 with |z| = 0.0374, y = 0.552 (seed 255 case 21 of the extended
    // lists, an SCS point) is within 1e-9 of the cone: x = 5.7e-10 already holds |z|, so the violation is ~2e-9, not |z|.
    const steep = [powCone(x, y, z, 0.13)];
    x.value = [-1.3111e-9];
    y.value = [0.55208];
    z.value = [0.03741];
    expect(worstViolation(steep).value).toBeLessThan(3e-9);
    expect(worstViolation(steep).value).toBeGreaterThan(1e-9);
    x.value = [-1e-3]; // a real miss stays a miss
    expect(worstViolation(steep).value).toBeGreaterThan(5e-4); // 1e-3 over 1 + 1e-3 + 0.552 + 0.0374
  });

  it('probeOptimality finds a better feasible point than a non-optimal one', () => {
    // maximize log(x) on [0.1, 2]: optimum 2; claim 1 instead.
    const x = variable(1, 'x');
    const p = new Problem(maximize(log(x)), [x.ge(0.1), x.le(2)]);
    const xStar = [Float64Array.of(1)];
    x.value = new Value([1], xStar[0]!);
    let k = 0;
    const probe = probeOptimality(p, [x], xStar, [Float64Array.of(1.9)], Math.log(1), () => (k++ % 10) / 10, 1e-5);
    expect(probe.bestImprovement).toBeGreaterThan(0.1);
    const q = new Problem(minimize(x), [x.ge(0.1)]);
    const atOptimum = probeOptimality(q, [x], [Float64Array.of(0.1)], [Float64Array.of(1)], 0.1, () => 0.5, 1e-5);
    expect(atOptimum.bestImprovement).toBeLessThanOrEqual(1e-12);
  });
});
