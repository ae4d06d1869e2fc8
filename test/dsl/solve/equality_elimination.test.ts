import { describe, expect, it } from 'vitest';
import type { CompiledProblem } from '../../../dsl/compiled_problem.js';
import { solveQpBatch, type QpBatch } from '../../../solvers/qp/index.js';
import { cscFromTriplets } from '../../../solvers/sparse/csc.js';
import { EqualityElimination } from '../../../dsl/solve/equality_elimination.js';
import { QpRoute } from '../../../dsl/solve/qp_route.js';
import { Problem, compileProblem, minimize, parameter, quadForm, sum, variable } from '../../../dsl/index.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const u = (s + 0.5) / 4294967296;
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const v = (s + 0.5) / 4294967296;
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

/**
 * minimize 1/2|t|^2 + p'z  s.t.  t - L z = b_t,  G z <= h  over x = (z, t):
 * the canonical form of 1/2|Lz + b_t|^2 + p'z, with L, p, b_t per example
 * (theta-dependent) and G, h shared.
 */
function setup(batch: number, nz: number, nt: number, m: number, seed: number): { qp: QpBatch; compiled: CompiledProblem } {
  const randn = rng(seed);
  const n = nz + nt;
  const Q = new Float64Array(n * n);
  for (let i = nz; i < n; i++) Q[i * n + i] = 1;
  const A = new Float64Array(batch * nt * n);
  const b = new Float64Array(batch * nt);
  const p = new Float64Array(batch * n);
  for (let e = 0; e < batch; e++) {
    for (let r = 0; r < nt; r++) {
      for (let c = 0; c < nz; c++) A[e * nt * n + r * n + c] = -randn();
      A[e * nt * n + r * n + nz + r] = 1;
      b[e * nt + r] = randn();
    }
    for (let c = 0; c < nz; c++) p[e * n + c] = randn();
  }
  const G = Float64Array.from({ length: m * n }, (_, k) => (k % n < nz ? randn() : 0));
  const h = Float64Array.from({ length: m }, () => 0.5 + Math.abs(randn()));
  const qp: QpBatch = {
    batch, n, nIneq: m, nEq: nt,
    Q: { data: Q, batched: false }, p: { data: p, batched: true },
    A: { data: A, batched: true }, b: { data: b, batched: true },
    G: { data: G, batched: false }, h: { data: h, batched: false },
  };
  // The compiled description the plan reads: A's pattern and which entries depend on theta (column 0 stands for theta).
  const rows: number[] = [];
  const cols: number[] = [];
  for (let r = 0; r < nt; r++) {
    for (let c = 0; c < nz; c++) { rows.push(r); cols.push(c); }
    rows.push(r); cols.push(nz + r);
  }
  for (let i = 0; i < m; i++) for (let c = 0; c < nz; c++) { rows.push(nt + i); cols.push(c); }
  const aPattern = cscFromTriplets(nt + m, n, rows, cols, rows.map(() => 1));
  const mapRows: number[] = [];
  const mapCols: number[] = [];
  for (let j = 0; j < n; j++) {
    for (let k = aPattern.colPtr[j]!; k < aPattern.colPtr[j + 1]!; k++) {
      mapRows.push(k);
      mapCols.push(j < nz && aPattern.rowIndex[k]! < nt ? 0 : 1);
    }
  }
  const aMap = cscFromTriplets(aPattern.values.length, 2, mapRows, mapCols, mapRows.map(() => 1));
  const pPattern = cscFromTriplets(n, n, Array.from({ length: nt }, (_, i) => nz + i), Array.from({ length: nt }, (_, i) => nz + i), Array(nt).fill(1));
  const pMap = cscFromTriplets(nt, 2, Array.from({ length: nt }, (_, i) => i), Array(nt).fill(1), Array(nt).fill(1));
  const empty = (r: number) => cscFromTriplets(r, 2, [], [], []);
  const compiled: CompiledProblem = {
    parameters: [], thetaSize: 1, n, m: nt + m,
    cones: { zero: nt, nonneg: m, soc: [], exp: 0, power: [] },
    aPattern, aMap, bMap: empty(nt + m), cMap: empty(n), offsetMap: empty(1), pPattern, pMap,
    objectiveSign: 1, variables: [], constraints: [],
  };
  return { qp, compiled };
}

describe('EqualityElimination (QP route presolve)', () => {
  const batch = 3, nz = 4, nt = 5, m = 6;
  const { qp, compiled } = setup(batch, nz, nt, m, 7);
  const plan = EqualityElimination.plan(compiled)!;

  it('eliminates exactly the variables defined by an equality row', () => {
    expect(Array.from(plan.elim)).toEqual([4, 5, 6, 7, 8]);
    expect(Array.from(plan.keep)).toEqual([0, 1, 2, 3]);
    expect(plan.keepRows.length).toBe(0);
  });

  it('reduced solve recovers the full primal and dual solution', () => {
    const full = solveQpBatch(qp);
    const { reduced, bound } = plan.reduce(qp);
    const red = solveQpBatch(reduced);
    for (let e = 0; e < batch; e++) {
      expect(full.status[e]).toBe('optimal');
      const x = bound.expandPrimal(red.z.slice(e * nz, (e + 1) * nz), e);
      const nu = bound.expandEqualityDual(new Float64Array(0), x, e);
      for (let j = 0; j < nz + nt; j++) expect(x[j]).toBeCloseTo(full.z[e * (nz + nt) + j]!, 7);
      for (let r = 0; r < nt; r++) expect(nu[r]).toBeCloseTo(full.nu[e * nt + r]!, 6);
      for (let i = 0; i < m; i++) expect(red.lam[e * m + i]).toBeCloseTo(full.lam[e * m + i]!, 6);
    }
  });

  it('expanded gradients match central finite differences of the full QP', () => {
    const randn = rng(99);
    const w = Float64Array.from({ length: batch * (nz + nt) }, randn);
    const n = nz + nt;
    const loss = (q: QpBatch) => {
      const s = solveQpBatch(q, { tol: 1e-12, tolInaccurate: 1e-9 });
      let v = 0;
      for (let k = 0; k < w.length; k++) v += w[k]! * s.z[k]!;
      return v;
    };
    const { reduced, bound } = plan.reduce(qp);
    const red = solveQpBatch(reduced, { tol: 1e-12, tolInaccurate: 1e-9 });
    const xs = Array.from({ length: batch }, (_, e) => bound.expandPrimal(red.z.slice(e * nz, (e + 1) * nz), e));
    const dxs = Array.from({ length: batch }, (_, e) => w.slice(e * n, (e + 1) * n));
    const dlDz = new Float64Array(batch * nz);
    dxs.forEach((dx, e) => dlDz.set(bound.reduceCotangent(dx, e), e * nz));
    const g = bound.expandGradients(red.backward(dlDz), xs, dxs);
    const h = 1e-5;
    const check = (key: 'A' | 'b' | 'p', grad: Float64Array, index: number) => {
      const plus = structuredClone(qp) as QpBatch;
      const minus = structuredClone(qp) as QpBatch;
      (plus[key].data as Float64Array)[index] += h;
      (minus[key].data as Float64Array)[index] -= h;
      const fd = (loss(plus) - loss(minus)) / (2 * h);
      expect(Math.abs(grad[index]! - fd)).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd)));
    };
    for (const e of [0, 2]) {
      for (let r = 0; r < nt; r += 2) for (let c = 0; c < nz; c++) check('A', g.dA, e * nt * n + r * n + c);
      for (let r = 0; r < nt; r++) check('b', g.db, e * nt + r);
      for (let c = 0; c < n; c++) check('p', g.dp, e * n + c);
    }
  });
});

/** dl/dtheta from a data gradient through the compiled affine maps (b and c; A and P have no parameters here). */
function thetaGradient(compiled: CompiledProblem, g: { db: Float64Array; dc: Float64Array }): Float64Array {
  const out = new Float64Array(compiled.thetaSize);
  for (const [map, d] of [[compiled.bMap, g.db], [compiled.cMap, g.dc]] as const) {
    for (let j = 0; j < compiled.thetaSize; j++) {
      for (let k = map.colPtr[j]!; k < map.colPtr[j + 1]!; k++) out[j] += map.values[k]! * d[map.rowIndex[k]!]!;
    }
  }
  return out;
}

describe('QP route: quadForm with a non-diagonal P meets an equality (issue 14, item 3)', () => {
  /** minimize 1/2 quadForm(x, P) + q'x  s.t.  sum(x) == b  with q, b parameters. */
  function build(P: number[][], qv: number[], bv: number) {
    const k = qv.length;
    const x = variable(k, 'x');
    const q = parameter(k, { name: 'q', value: qv });
    const b = parameter([], { name: 'b', value: bv });
    const problem = new Problem(minimize(quadForm(x, P).mul(0.5).add(q.matmul(x))), [sum(x).eq(b)]);
    const compiled = compileProblem(problem, { quadObjective: true });
    return { compiled, route: new QpRoute(compiled, {}) };
  }

  it('the issue repro: optimal, x = (5/6, 7/6), dx1/db = 2/3', () => {
    const { compiled, route } = build([[2, 1], [1, 3]], [0.5, -1], 2);
    // theta = [q; b] in parameter order.
    const sol = route.solve(Float64Array.of(0.5, -1, 2), 1);
    expect(sol.statuses[0]).toBe('optimal');
    expect(sol.x[0]![0]).toBeCloseTo(5 / 6, 10);
    expect(sol.x[0]![1]).toBeCloseTo(7 / 6, 10);
    const dx = new Float64Array(compiled.n);
    dx[0] = 1;
    const dTheta = thetaGradient(compiled, sol.dataGradients([dx], [null])[0]!);
    expect(dTheta[2]).toBeCloseTo(2 / 3, 10);
  });

  it('random non-diagonal P: theta gradients match central finite differences of the route', () => {
    const rand = rng(5);
    for (let trial = 0; trial < 6; trial++) {
      const k = 2 + (trial % 3);
      const L = Array.from({ length: k }, () => Array.from({ length: k }, rand));
      const P = L.map((ri, i) => L.map((rj, j) => ri.reduce((t, v, c) => t + v * rj[c]!, i === j ? 0.1 : 0)));
      const qv = Array.from({ length: k }, rand);
      const { compiled, route } = build(P, qv, rand());
      const theta = Float64Array.from([...qv, rand()]);
      const sol = route.solve(theta, 1);
      expect(sol.statuses[0]).toBe('optimal');
      const w = Float64Array.from({ length: compiled.n }, (_, i) => (i < k ? Math.cos(i + trial) : 0));
      const dTheta = thetaGradient(compiled, sol.dataGradients([w], [null])[0]!);
      const loss = (t: Float64Array) => route.solve(t, 1).x[0]!.reduce((s, v, i) => s + v * w[i]!, 0);
      const h = 1e-6;
      for (let j = 0; j < theta.length; j++) {
        const tp = theta.slice();
        const tm = theta.slice();
        tp[j]! += h;
        tm[j]! -= h;
        const fd = (loss(tp) - loss(tm)) / (2 * h);
        expect(Math.abs(dTheta[j]! - fd), `trial ${trial} theta ${j}`).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
      }
    }
  });
});

