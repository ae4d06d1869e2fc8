import { describe, expect, it } from 'vitest';
import { coneProgramDerivative } from '../../../solvers/cone_derivative/index.js';
import { NO_CONES, type ConeProgram } from '../../../solvers/cone_program.js';
import { SolverError } from '../../../solvers/errors.js';
import type { ConeSolution } from '../../../solvers/scs/index.js';
import { cscFromDense, cscToDense } from '../../../solvers/sparse/csc.js';
import { dotData, dotSolution, randomDataDirection, randomSolutionDirection } from './finite_differences.js';
import { knownProgram, SeededRandom } from './random_programs.js';

/**
 * The planted LP of `knownProgram` with row i scaled by 10^(+k) (odd i) or
 * 10^(-k) (even i): the same solution x, with s and y rescaled so the KKT
 * conditions still hold exactly; M's condition number grows like 10^(4k).
 */
function badlyScaledLp(k: number): { program: ConeProgram; solution: ConeSolution } {
  const kp = knownProgram({ ...NO_CONES, zero: 2, nonneg: 12 }, 6, 1);
  const m = 14;
  const n = 6;
  const dense = cscToDense(kp.program.A);
  const scale = (i: number): number => 10 ** (i % 2 ? k : -k);
  const As = Float64Array.from(dense, (v, idx) => v * scale(Math.floor(idx / n)));
  const s = Float64Array.from(kp.s, (v, i) => v * scale(i));
  const y = Float64Array.from(kp.y, (v, i) => v / scale(i));
  const b = Float64Array.from({ length: m }, (_, i) => s[i]! + kp.x.reduce((acc, xj, j) => acc + As[i * n + j]! * xj, 0));
  const c = Float64Array.from({ length: n }, (_, j) => -y.reduce((acc, yi, i) => acc + As[i * n + j]! * yi, 0));
  const program: ConeProgram = { A: cscFromDense(m, n, As), b, c, cones: kp.program.cones };
  const solution = { x: kp.x, y, s, status: 'optimal', message: 'planted', stats: undefined } as unknown as ConeSolution;
  return { program, solution };
}

describe('coneProgramDerivative flags linear solves it cannot check', () => {
  it('ill-conditioned M: every solve either meets acceptResidual (and adjoint/forward agree) or throws SolverError', () => {
    const outcomes: string[] = [];
    for (const k of [0, 2, 4, 5, 6, 8]) {
      const { program, solution } = badlyScaledLp(k);
      const rng = new SeededRandom(3);
      const g = randomSolutionDirection(program, rng);
      const d = randomDataDirection(program, rng);
      try {
        const D = coneProgramDerivative(program, solution);
        const adj = D.adjoint(g);
        expect(D.lastSolve!.relativeResidual).toBeLessThanOrEqual(1e-6);
        const fwd = D.forward(d);
        expect(D.lastSolve!.relativeResidual).toBeLessThanOrEqual(1e-6);
        // Dot-product test between two independent solves (with M and with M').
        const lhs = dotSolution(g, fwd);
        const rhs = dotData(adj, d);
        expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-4 * (Math.abs(lhs) + Math.abs(rhs)) + 1e-8);
        outcomes.push(`${k}:ok`);
      } catch (err) {
        expect(err).toBeInstanceOf(SolverError);
        expect((err as SolverError).status).toMatch(/singular|max_iters/);
        expect((err as Error).message).toMatch(/relative residual/);
        outcomes.push(`${k}:flagged`);
      }
    }
    // Rows scaled by 1e+-5: the least-squares fallback stalls at ~1e-5 and is flagged, not returned.
    expect(outcomes).toContain('5:flagged');
    expect(outcomes).toContain('0:ok');
  });

  it('an iterative solve that runs out of iterations throws SolverError(max_iters) instead of returning its iterate', () => {
    const { program, solution } = badlyScaledLp(0);
    const D = coneProgramDerivative(program, solution, { method: 'iterative', maxIters: 2, restart: 2 });
    const g = randomSolutionDirection(program, new SeededRandom(5));
    let caught: unknown;
    try {
      D.adjoint(g);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SolverError);
    expect((caught as SolverError).status).toBe('max_iters');
  });
});

describe("coneProgramDerivative at an unsolved point: a separate flag, never a relabelled status", () => {
  it("rejects a 'max_iters' point by default; at = 'best-effort' differentiates it and says so", () => {
    const { program, solution: planted } = badlyScaledLp(0);
    const unsolved = { ...planted, status: 'max_iters' } as ConeSolution;
    expect(() => coneProgramDerivative(program, unsolved)).toThrow(/status 'max_iters'/);
    expect(() => coneProgramDerivative(program, unsolved, {}, 'nope' as never)).toThrow(/at must be/);
    const D = coneProgramDerivative(program, unsolved, {}, 'best-effort');
    expect(D.atUnsolvedPoint).toBe(true);
    expect(unsolved.status).toBe('max_iters');
    expect(coneProgramDerivative(program, planted, {}, 'best-effort').atUnsolvedPoint).toBe(false);
    // At the same (here exactly optimal) point the derivative is the same map: independent of the label.
    const g = randomSolutionDirection(program, new SeededRandom(5));
    const a = D.adjoint(g);
    const b = coneProgramDerivative(program, planted).adjoint(g);
    for (let i = 0; i < a.db.length; i++) expect(a.db[i]).toBeCloseTo(b.db[i]!, 12);
    // A non-finite unsolved point is still refused.
    const nan = { ...unsolved, x: Float64Array.from(planted.x, () => NaN) } as ConeSolution;
    expect(() => coneProgramDerivative(program, nan, {}, 'best-effort')).toThrow(/solution x/);
  });
});
