import { beforeAll, describe, expect, it } from 'vitest';
import { coneProgramDerivative, type ConeProgramDerivative } from '../../../solvers/cone_derivative/index.js';
import { NO_CONES, type ConeProgram } from '../../../solvers/cone_program.js';
import { ShapeError, SolverError, UnsupportedError, ValueError } from '../../../solvers/errors.js';
import { loadScs, solveScs, type ConeSolution } from '../../../solvers/scs/index.js';
import { cscFromDense, cscToDense } from '../../../solvers/sparse/csc.js';
import {
  dotData,
  dotSolution,
  finiteDifference,
  randomDataDirection,
  randomSolutionDirection,
  relativeError,
  solveTight,
} from './finite_differences.js';
import { entropyProgram, knownProgram, leastSquaresSoc, SeededRandom } from './random_programs.js';

beforeAll(async () => {
  await loadScs();
});

/** Problem families: every cone kind, sizes up to the 50-variable least-squares case. */
const FAMILIES: [string, () => ConeProgram][] = [
  ['LP (equalities + inequalities)', () => knownProgram({ ...NO_CONES, zero: 2, nonneg: 12 }, 6, 1).program],
  ['SOCP', () => knownProgram({ ...NO_CONES, nonneg: 3, soc: [4, 3, 5] }, 8, 3).program],
  ['exponential cone', () => knownProgram({ ...NO_CONES, zero: 1, exp: 4 }, 5, 3).program],
  ['power and dual power cones', () => knownProgram({ ...NO_CONES, nonneg: 2, power: [0.3, -0.6, 0.7] }, 5, 4).program],
  ['least squares, 50 variables, SOC form', () => leastSquaresSoc(50, 80, 5)],
  ['entropy over the simplex (exp cone)', () => entropyProgram(6, 6).program],
];

/** Finite-difference step (Richardson: truncation O(h^4)); polished solves add ~1e-10 of rounding. */
const H = 1e-5;

describe('coneProgramDerivative against finite differences of SCS solves', () => {
  it.each(FAMILIES)('%s', (_name, make) => {
    const p = make();
    const sol = solveTight(p);
    const rng = new SeededRandom(21);
    const derivatives: ConeProgramDerivative[] = [
      coneProgramDerivative(p, sol, { method: 'dense' }),
      coneProgramDerivative(p, sol, { method: 'iterative', tol: 1e-12 }),
    ];
    for (let trial = 0; trial < 2; trial++) {
      const d = randomDataDirection(p, rng);
      const fd = finiteDifference(p, sol, d, H);
      const g = randomSolutionDirection(p, rng);
      const gfd = dotSolution(g, fd);
      const forwards = derivatives.map((D) => {
        expect(D.status).toBe('ok');
        const fwd = D.forward(d);
        // forward (J d) vs finite differences, entrywise
        expect(relativeError(fwd, fd)).toBeLessThan(1e-5);
        const adj = D.adjoint(g);
        // adjoint: <J' g, d> vs <g, FD>
        expect(Math.abs(dotData(adj, d) - gfd) / Math.max(1, Math.abs(gfd))).toBeLessThan(1e-5);
        // adjoint and forward are transposes of one another
        const gJd = dotSolution(g, fwd);
        expect(Math.abs(dotData(adj, d) - gJd) / Math.max(1, Math.abs(gJd))).toBeLessThan(1e-10);
        expect(D.lastSolve!.relativeResidual).toBeLessThan(1e-9);
        return fwd;
      });
      // dense LU and GMRES agree
      expect(relativeError(forwards[1]!, forwards[0]!)).toBeLessThan(1e-8);
    }
  });
});

describe('coneProgramDerivative: known derivatives and misuse', () => {
  it('entropy program: dw/dd = diag(w) - w w\' for w = softmax(d) (the cost is c = (-d, -1))', () => {
    const k = 6;
    const { program, softmax } = entropyProgram(k, 6);
    const sol = solveTight(program);
    for (let j = 0; j < k; j++) expect(sol.x[j]).toBeCloseTo(softmax[j]!, 9);
    const D = coneProgramDerivative(program, sol);
    for (let j = 0; j < k; j++) {
      const dc = new Float64Array(2 * k);
      dc[j] = -1; // dd = e_j
      const { dx } = D.forward({ dA: new Float64Array(program.A.values.length), db: new Float64Array(program.b.length), dc });
      for (let i = 0; i < k; i++) {
        const expected = (i === j ? softmax[i]! : 0) - softmax[i]! * softmax[j]!;
        expect(Math.abs(dx[i]! - expected)).toBeLessThan(1e-8);
      }
    }
  });

  it('LP: the adjoint of a linear loss in x equals the analytic gradient', () => {
    // min c'x s.t. x >= l (A = -I, b = -l): x* = l, so dl(x)/db = -dl/dx... with s = b - Ax = x - l.
    // x = -b  =>  d<g, x>/db = -g, and d/dA, d/dc vanish at a nondegenerate vertex with c > 0.
    const n = 4;
    const A = cscFromDense(n, n, Float64Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? -1 : 0)));
    const b = Float64Array.from([0.5, -1, 2, 0]);
    const c = Float64Array.from([1, 2, 0.5, 3]);
    const p: ConeProgram = { A, b, c, cones: { ...NO_CONES, nonneg: n } };
    const sol = solveTight(p);
    const D = coneProgramDerivative(p, sol);
    const g = Float64Array.from([1, -2, 0.5, 3]);
    const adj = D.adjoint({ dx: g, dy: new Float64Array(n), ds: new Float64Array(n) });
    for (let i = 0; i < n; i++) {
      expect(adj.db[i]).toBeCloseTo(-g[i]!, 10);
      expect(adj.dc[i]).toBeCloseTo(0, 10);
    }
    // dA_ii: x_i = b_i / A_ii, so dx_i/dA_ii = -b_i / A_ii^2 = -b_i.
    for (let i = 0; i < n; i++) expect(adj.dA[i]).toBeCloseTo(g[i]! * -b[i]!, 10);
  });

  it('a degenerate LP gives status singular and a typed error, or a finite least-squares answer on request', () => {
    // 8 active constraints with positive multipliers for 6 variables: the dual
    // solution is not unique and M is singular.
    const kp = knownProgram({ ...NO_CONES, zero: 2, nonneg: 12 }, 6, 1);
    const { A, cones } = kp.program;
    const s = Float64Array.from(kp.s);
    const y = Float64Array.from(kp.y);
    for (const i of [8, 9]) {
      s[i] = 0;
      y[i] = 1;
    }
    const dense = cscToDense(A);
    const b = Float64Array.from({ length: 14 }, (_, i) => s[i]! + kp.x.reduce((acc, xj, j) => acc + dense[i * 6 + j]! * xj, 0));
    const c = Float64Array.from({ length: 6 }, (_, j) => -y.reduce((acc, yi, i) => acc + dense[i * 6 + j]! * yi, 0));
    const p: ConeProgram = { A, b, c, cones };
    const sol: ConeSolution = { ...solveScs(p), x: kp.x, y, s };
    const D = coneProgramDerivative(p, { ...sol, status: 'optimal' });
    expect(D.status).toBe('singular');
    const rng = new SeededRandom(3);
    const g = randomSolutionDirection(p, rng);
    expect(() => D.adjoint(g)).toThrow(SolverError);
    const lenient = coneProgramDerivative(p, { ...sol, status: 'optimal' }, { acceptResidual: Infinity, singular: 'least-squares' });
    const adj = lenient.adjoint(g);
    for (const arr of [adj.dA, adj.db, adj.dc]) for (const v of arr) expect(Number.isFinite(v)).toBe(true);
    expect(lenient.lastSolve!.method).toBe('least-squares');
  });

  it('rejects quadratic objectives, unsolved statuses, bad sizes and bad options', () => {
    const p = knownProgram({ ...NO_CONES, zero: 2, nonneg: 12 }, 6, 1).program;
    const sol = solveTight(p);
    expect(() => coneProgramDerivative({ ...p, P: cscFromDense(6, 6, new Float64Array(36).fill(1)) }, sol)).toThrow(UnsupportedError);
    expect(() => coneProgramDerivative(p, { ...sol, status: 'infeasible' })).toThrow(ValueError);
    expect(() => coneProgramDerivative(p, { ...sol, x: new Float64Array(5) })).toThrow(ShapeError);
    expect(() => coneProgramDerivative(p, { ...sol, y: sol.y.map(() => NaN) })).toThrow(ValueError);
    expect(() => coneProgramDerivative(p, sol, { tol: 2 })).toThrow(ValueError);
    const D = coneProgramDerivative(p, sol);
    expect(() => D.adjoint({ dx: new Float64Array(1), dy: sol.y, ds: sol.s })).toThrow(ShapeError);
    expect(() => D.forward({ dA: new Float64Array(1), db: p.b, dc: p.c })).toThrow(ShapeError);
    // 'auto' picks the dense method for small systems and GMRES above denseLimit
    expect(coneProgramDerivative(p, sol).method).toBe('dense');
    expect(coneProgramDerivative(p, sol, { denseLimit: 5 }).method).toBe('iterative');
  });
});
