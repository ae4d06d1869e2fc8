/**
 * Issue 14 ("No silent wrong answers"): every reproduction the issue lists,
 * written as a user would write it against the public entry points, with the
 * answer the issue states (closed forms) or a typed error / status. A repro
 * that regresses fails here by its item number.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ConvexLayer,
  OptlayersError,
  ShapeError,
  SolverError,
  ValueError,
  convexProgramLayer,
  deqLayer,
  init,
  monDeq,
  monDeqLayer,
  optNetLayer,
  qp,
  registerProblem,
  stableDynamics,
  type DeqFunctionCell,
} from '../../src/index.js';
import { Problem, constant, maximize, minimize, norm1, norm2, parameter, power, quadForm, square, sum, sumSquares, variable } from '../../dsl/index.js';
import { NO_CONES, availableQpThreads, cscFromDense, solveOsqpForm, solveQpBatch, solveScs, type ConeProgram, type CscMatrix } from '../../solvers/index.js';
import { plantedQpBatch, relativeError } from './planted_qp.js';
import { expectTyped, predict, roundTrip, thrown } from './repro_helpers.js';

beforeAll(async () => {
  await init();
  registerProblem('boxQP', () => {
    const xOut = variable(2, { name: 'xOut' });
    const A = parameter([2, 2], { name: 'A' });
    const W = parameter(2, { name: 'W' });
    const lower = parameter(2, { name: 'lower_bound' });
    return new Problem(minimize(sumSquares(A.matmul(xOut).sub(W))), [xOut.ge(lower)]);
  });
});

const ROUTES = ['auto', 'qp', 'scs'] as const;
const TIGHT = { epsAbs: 1e-9, epsRel: 1e-9 };
const values = (t: tf.Tensor | tf.Tensor[]): number[] => Array.from((Array.isArray(t) ? t[0]! : t).dataSync());

describe('item 1: atoms of constants or parameters only', () => {
  it.each(ROUTES)('maximize x s.t. x <= square(2), x <= 10 -> 4 (%s)', (solver) => {
    const x = variable(1, 'x');
    const r = new Problem(maximize(x), [x.le(square(constant(2))), x.le(10)]).solve({ solver, ...TIGHT });
    expect(r.status).toBe('optimal');
    expect(r.value).toBeCloseTo(4, 6);
    expect(x.value!.data[0]).toBeCloseTo(4, 6);
  });

  it.each(ROUTES)('minimize square(x) - square(3) -> -9 (%s)', (solver) => {
    const x = variable(1, 'x');
    const r = new Problem(minimize(square(x).sub(square(constant(3))))).solve({ solver, ...TIGHT });
    expect(r.status).toBe('optimal');
    expect(r.value).toBeCloseTo(-9, 6);
  });

  it.each(ROUTES)('minimize power(0.62, 0.5) -> +0.787 (%s)', (solver) => {
    const r = new Problem(minimize(power(constant(0.62), 0.5))).solve({ solver, ...TIGHT });
    expect(r.status).toBe('optimal');
    expect(r.value).toBeCloseTo(Math.sqrt(0.62), 8);
  });

  it.each(ROUTES)('minimize sumSquares(y - b) - sumSquares(b), b a parameter -> -|b|^2, not unbounded (%s)', (solver) => {
    const y = variable(3, 'y');
    const b = parameter(3, { name: 'b', value: [1, -2, 0.5] });
    const r = new Problem(minimize(sumSquares(y.sub(b)).sub(sumSquares(b)))).solve({ solver, ...TIGHT });
    expect(r.status).toBe('optimal');
    expect(r.value).toBeCloseTo(-5.25, 6);
    expect(Array.from(y.value!.data).map((v) => +v.toFixed(6))).toEqual([1, -2, 0.5]);
  });

  it.each(ROUTES)('through a layer: minimize |v - a|^2 s.t. v <= norm2([3, 4]), a = [7, 1] -> [5, 1] (%s)', (solver) => {
    const v = variable(2, 'v');
    const a = parameter(2, { name: 'a' });
    const layer = new ConvexLayer(new Problem(minimize(sumSquares(v.sub(a))), [v.le(norm2(constant([3, 4])))]), { parameters: [a], variables: [v], solver });
    const out = tf.tidy(() => values(layer.apply([tf.tensor1d([7, 1])]) as tf.Tensor[]));
    expect(out[0]).toBeCloseTo(5, 4);
    expect(out[1]).toBeCloseTo(1, 4);
    expect(layer.lastStats!.statuses).toEqual(['optimal']);
  });
});

describe('item 2: atoms on their domain boundary', () => {
  it.each(['auto', 'scs'] as const)('maximize x s.t. power(x + 2, -2) <= 0, x <= 10 is infeasible (%s)', (solver) => {
    const x = variable(1, 'x');
    const r = new Problem(maximize(x), [power(x.add(2), -2).le(0), x.le(10)]).solve({ solver });
    // The feasible set is empty but only weakly so ((x + 2)^-2 -> 0 as x -> inf): no exact Farkas certificate exists,
    // so 'infeasible_inaccurate' is the honest flag; never 'optimal' at x = 10.
    expect(['infeasible', 'infeasible_inaccurate']).toContain(r.status);
  });
});

describe('item 3: quadForm with a non-diagonal P and an equality', () => {
  // KKT: x = -P^-1 (q + nu 1), 1'x = b, so dx/db = P^-1 1 / (1'P^-1 1) = [2/3, 1/3]; at b = 2, x = [5/6, 7/6].
  it.each(ROUTES)('minimize 1/2 quadForm(x, [[2,1],[1,3]]) + q\'x s.t. sum(x) == b: x = [5/6, 7/6], dx/db = [2/3, 1/3] (%s)', (solver) => {
    const x = variable(2, 'x');
    const b = parameter(1, { name: 'b' });
    const P = [[2, 1], [1, 3]];
    const objective = quadForm(x, P).mul(0.5).add(constant([[0.5, -1]]).matmul(x));
    const layer = new ConvexLayer(new Problem(minimize(objective), [sum(x).eq(b)]), { parameters: [b], variables: [x], solver });
    const b0 = tf.tensor1d([2]);
    const out = tf.tidy(() => values(layer.apply([b0]) as tf.Tensor[]));
    expect(layer.lastStats!.statuses).toEqual(['optimal']);
    expect(out[0]).toBeCloseTo(5 / 6, 5);
    expect(out[1]).toBeCloseTo(7 / 6, 5);
    for (const [k, truth] of [[0, 2 / 3], [1, 1 / 3]] as const) {
      const g = tf.tidy(() => values(tf.grad((bb: tf.Tensor) => (layer.apply([bb]) as tf.Tensor[])[0]!.slice([k], [1]).sum())(b0)));
      expect(Math.abs(g[0]! - truth)).toBeLessThan(1e-4);
      // The backward linear solve's residual was checked and met its tolerance.
      expect(layer.lastBackwardStats!.elements.map((e) => e.outcome)).toEqual(['ok']);
    }
  });

  it('equality-only with a singular Q: min 1/2 x1^2 + x2 s.t. x1 - x2 = b -> x = [-1, -1 - b] exactly (qp route)', () => {
    const x = variable(2, 'x');
    const b = parameter(1, { name: 'b', value: [0.5] });
    const r = new Problem(minimize(square(x.index(0)).mul(0.5).add(x.index(1))), [x.index(0).sub(x.index(1)).eq(b)]).solve({ solver: 'qp' });
    expect(r.status).toBe('optimal');
    expect(Math.abs(x.value!.data[0]! + 1)).toBeLessThan(1e-8);
    expect(Math.abs(x.value!.data[1]! + 1.5)).toBeLessThan(1e-8);
  });
});

describe('item 4: gradients at weakly active constraints, every batch element', () => {
  const batch = 16;
  const n = 8;
  const m = 12;
  const planted = plantedQpBatch(14, batch, n, m, 4);
  const flat = (rows: number[][]) => Float64Array.from(rows.flat());

  it('solveQpBatch + backward: z* and d(w\'z)/d(p, h) match the exact active-set values for all 16 elements', () => {
    const { Q, G, items } = planted;
    const sol = solveQpBatch({
      batch, n, nIneq: m, nEq: 0,
      Q: { data: flat(Q), batched: false },
      p: { data: flat(items.map((it) => it.p)), batched: true },
      G: { data: flat(G), batched: false },
      h: { data: flat(items.map((it) => it.h)), batched: true },
      A: { data: new Float64Array(0), batched: false },
      b: { data: new Float64Array(0), batched: false },
    });
    expect(sol.status).toEqual(items.map(() => 'optimal'));
    const grads = sol.backward(flat(items.map((it) => it.w)));
    const worst = { z: 0, dp: 0, dh: 0 };
    items.forEach((it, e) => {
      worst.z = Math.max(worst.z, relativeError(sol.z.subarray(e * n, (e + 1) * n), it.zStar));
      worst.dp = Math.max(worst.dp, relativeError(grads.dp.subarray(e * n, (e + 1) * n), it.dp));
      worst.dh = Math.max(worst.dh, relativeError(grads.dh.subarray(e * m, (e + 1) * m), it.dh));
    });
    expect(worst.z).toBeLessThan(1e-8);
    expect(worst.dp).toBeLessThan(1e-7);
    expect(worst.dh).toBeLessThan(1e-7);
  });

  it('ConvexLayer (auto route): per-element gradients w.r.t. p and h match the exact ones (float32 inputs)', () => {
    const { Q, G, items } = planted;
    const z = variable(n, 'z');
    const p = parameter(n, { name: 'p' });
    const h = parameter(m, { name: 'h' });
    const problem = new Problem(minimize(quadForm(z, Q).mul(0.5).add(sum(p.mul(z)))), [constant(G).matmul(z).le(h)]);
    const layer = new ConvexLayer(problem, { parameters: [p, h], variables: [z] });
    const pT = tf.tensor2d(items.map((it) => it.p));
    const hT = tf.tensor2d(items.map((it) => it.h));
    const wT = tf.tensor2d(items.map((it) => it.w));
    const [gp, gh] = tf.tidy(() => {
      const g = tf.grads((a: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul((layer.apply([a, c]) as tf.Tensor[])[0]!, wT)))([pT, hT]);
      return g.map((t) => t.arraySync() as number[][]);
    });
    expect(layer.lastStats!.route).toBe('qp');
    expect(layer.lastStats!.statuses).toEqual(items.map(() => 'optimal'));
    let worst = 0;
    items.forEach((it, e) => {
      worst = Math.max(worst, relativeError(gp![e]!, it.dp), relativeError(gh![e]!, it.dh));
    });
    expect(worst).toBeLessThan(2e-6); // measured 8e-8; unpolished interior-point gradients are off by 0.25 here
    tf.dispose([pT, hT, wT]);
  });
});

describe('item 5: optimal_inaccurate is not treated as solved', () => {
  // Real inaccurate solves, residuals checked inside a stated looser tolerance:
  // the auto (QP) route stopped after 5 unpolished iterations (KKT ~3e-5 <= 1e-2),
  // and SCS after 60 iterations (residuals ~1e-2 <= 0.1).
  // Problem: minimize |x - a|^2 + |x|_1 s.t. x >= 0, sum(x) <= 1; a = [0.7, 0.4, -0.2] -> x = max(a - 1/2, 0) = [0.2, 0, 0].
  const ROUTE_OPTIONS = {
    auto: { maxIters: 5, qp: { polish: false, tolInaccurate: 1e-2 } },
    scs: { solver: 'scs', scs: { maxIters: 60, tolInaccurate: 0.1 } },
  } as const;
  const LOOSE = { auto: 1e-2, scs: 0.1 } as const;
  function inaccurateLayer(route: keyof typeof ROUTE_OPTIONS, options: Record<string, unknown>) {
    const x = variable(3, 'x');
    const a = parameter(3, { name: 'a' });
    const problem = new Problem(minimize(sumSquares(x.sub(a)).add(norm1(x))), [x.ge(0), sum(x).le(1)]);
    return new ConvexLayer(problem, { parameters: [a], variables: [x], ...ROUTE_OPTIONS[route], ...options });
  }
  const a0 = [0.7, 0.4, -0.2];

  it.each(['auto', 'scs'] as const)("by default an 'optimal_inaccurate' element throws a SolverError naming it; lastStats says so (%s)", (route) => {
    const layer = inaccurateLayer(route, {});
    const err = thrown(() => tf.tidy(() => layer.apply([tf.tensor1d(a0)])));
    expectTyped(err, SolverError, /acceptInaccurate/);
    expect((err as SolverError).status).toBe('optimal_inaccurate');
    expect((err as SolverError).batchIndex).toBe(0);
    expect(layer.lastStats!.elements[0]!.status).toBe('optimal_inaccurate');
    expect(layer.lastStats!.elements[0]!.route).toBe(route === 'auto' ? 'qp' : 'scs');
  });

  it.each(['auto', 'scs'] as const)("acceptInaccurate: true returns it, flagged 'accepted-inaccurate', within the looser tolerance of the truth (%s)", (route) => {
    const layer = inaccurateLayer(route, { acceptInaccurate: true });
    const out = tf.tidy(() => values(layer.apply([tf.tensor1d(a0)]) as tf.Tensor[]));
    expect(layer.lastStats!.elements[0]!.policyApplied).toBe('accepted-inaccurate');
    expect(layer.lastStats!.elements[0]!.status).toBe('optimal_inaccurate');
    [0.2, 0, 0].forEach((truth, j) => expect(Math.abs(out[j]! - truth)).toBeLessThan(10 * LOOSE[route]));
  });

  it.each(['auto', 'scs'] as const)("onSolverFailure 'zero-gradient' gives the inaccurate element zero gradient (%s)", (route) => {
    const layer = inaccurateLayer(route, { onSolverFailure: 'zero-gradient' });
    const g = tf.tidy(() => values(tf.grad((a: tf.Tensor) => tf.sum((layer.apply([a]) as tf.Tensor[])[0]!))(tf.tensor1d(a0))));
    expect(g.map(Math.abs)).toEqual([0, 0, 0]);
    expect(layer.lastStats!.elements[0]!.policyApplied).toBe('zero-gradient');
  });

  it('a time-limited SCS solve that says optimal(_inaccurate) is within tolerance of the truth', () => {
    // min x0 + x1 s.t. x >= 1: x = (1, 1).
    const program: ConeProgram = { A: cscFromDense(2, 2, [-1, 0, 0, -1]), b: Float64Array.from([-1, -1]), c: Float64Array.from([1, 1]), cones: { ...NO_CONES, nonneg: 2 } };
    for (const timeLimitSecs of [1e-6, 1e-4]) {
      const sol = solveScs(program, { timeLimitSecs });
      if (/^optimal/.test(sol.status)) for (const v of sol.x) expect(Math.abs(v - 1)).toBeLessThan(1e-3);
    }
  });

  it('an infeasible box under any iteration or time limit is never optimal(_inaccurate) with x outside the box', () => {
    // 1 <= x <= 0 as SCS rows  -x + s = -1, x + s = 0, s >= 0.
    const program: ConeProgram = { A: cscFromDense(2, 1, [-1, 1]), b: Float64Array.from([-1, 0]), c: Float64Array.from([1]), cones: { ...NO_CONES, nonneg: 2 } };
    for (const limit of [{ maxIters: 5 }, { maxIters: 25 }, { maxIters: 200 }, { maxIters: 5000 }, { timeLimitSecs: 1e-6 }]) {
      const sol = solveScs(program, limit);
      expect(sol.status, JSON.stringify(limit)).not.toMatch(/^optimal/);
      expect(sol.status, JSON.stringify(limit)).not.toBe('unbounded');
    }
  });
});

describe('item 6: certificates are scale-invariant', () => {
  it.each(ROUTES)('minimize 1e8 x s.t. 1 <= x <= 2 -> optimal, x = 1 (%s)', (solver) => {
    const x = variable(1, 'x');
    const r = new Problem(minimize(x.mul(1e8)), [x.ge(1), x.le(2)]).solve({ solver });
    expect(r.status).toBe('optimal');
    expect(x.value!.data[0]).toBeCloseTo(1, 5);
  });

  it('qp(eye, 0, -I, [-1e8, 0]) -> z = [1e8, 0] (the tfjs qp and solveQpBatch)', () => {
    const z = tf.tidy(() => values(qp(tf.eye(2), tf.zeros([2]), tf.eye(2).neg(), tf.tensor1d([-1e8, 0]))));
    expect(Math.abs(z[0]! - 1e8) / 1e8).toBeLessThan(1e-6);
    expect(Math.abs(z[1]!)).toBeLessThan(1e-2);
    const sol = solveQpBatch({
      batch: 1, n: 2, nIneq: 2, nEq: 0,
      Q: { data: Float64Array.from([1, 0, 0, 1]), batched: false },
      p: { data: new Float64Array(2), batched: false },
      G: { data: Float64Array.from([-1, 0, 0, -1]), batched: false },
      h: { data: Float64Array.from([-1e8, 0]), batched: false },
      A: { data: new Float64Array(0), batched: false },
      b: { data: new Float64Array(0), batched: false },
    });
    expect(sol.status[0]).toBe('optimal');
    expect(Math.abs(sol.z[0]! - 1e8) / 1e8).toBeLessThan(1e-9);
    expect(Math.abs(sol.z[1]!)).toBeLessThan(1e-6);
  });

  it.each(ROUTES)('minimize x s.t. x >= 1e10 -> 1e10 (or flagged), never infeasible/unbounded (%s)', (solver) => {
    const x = variable(1, 'x');
    const r = new Problem(minimize(x), [x.ge(1e10)]).solve({ solver });
    expect(r.status).not.toMatch(/infeasible|unbounded/);
    if (r.status === 'optimal') expect(Math.abs(x.value!.data[0]! - 1e10) / 1e10).toBeLessThan(1e-6);
  });

  it.each(ROUTES)('v <= 1e30 as "no bound" is not a false infeasible: minimize |v - [1, 2]|^2 s.t. v <= 1e30 -> [1, 2] (%s)', (solver) => {
    const v = variable(2, 'v');
    const r = new Problem(minimize(sumSquares(v.sub([1, 2]))), [v.le(1e30)]).solve({ solver });
    expect(r.status).not.toMatch(/infeasible|unbounded/);
    if (r.status === 'optimal') {
      expect(v.value!.data[0]).toBeCloseTo(1, 4);
      expect(v.value!.data[1]).toBeCloseTo(2, 4);
    }
  });

  it('v <= 1e30 next to a second-order cone (SCS via auto) is not a false infeasible', () => {
    const v = variable(2, 'v');
    const r = new Problem(minimize(norm2(v.sub([1, 2]))), [v.le(1e30), v.ge(-1e30)]).solve();
    expect(r.status).not.toMatch(/infeasible|unbounded/);
    if (r.status === 'optimal') expect(r.value).toBeLessThan(1e-5);
  });
});

describe('item 7: solveScs validates CSC input and survives many bad calls', () => {
  /** min x0 + x1 s.t. x >= 1: x = (1, 1). */
  const box = (A?: Partial<CscMatrix>): ConeProgram => {
    const base = cscFromDense(2, 2, [-1, 0, 0, -1]);
    return { A: { ...base, ...A } as CscMatrix, b: Float64Array.from([-1, -1]), c: Float64Array.from([1, 1]), cones: { ...NO_CONES, nonneg: 2 } };
  };

  it('a negative row index and a decreasing colPtr are ShapeErrors', () => {
    expectTyped(thrown(() => solveScs(box({ rowIndex: Int32Array.from([-1, 1]) }))), ShapeError, /rowIndex/);
    expectTyped(thrown(() => solveScs(box({ colPtr: Int32Array.from([0, 2, 1]) }))), ShapeError, /colPtr/);
  });

  it('200 bad calls, then a good solve returns promptly with x = (1, 1)', () => {
    const bad = [box({ rowIndex: Int32Array.from([-5, 1]) }), box({ colPtr: Int32Array.from([0, 2, 1]) }), box({ rowIndex: Int32Array.from([0, 1e6]) })];
    for (let k = 0; k < 200; k++) expectTyped(thrown(() => solveScs(bad[k % bad.length]!)), OptlayersError);
    const started = Date.now();
    const sol = solveScs(box());
    expect(Date.now() - started).toBeLessThan(5000); // a hang check, not a benchmark
    expect(sol.status).toBe('optimal');
    expect(sol.x[0]).toBeCloseTo(1, 6);
    expect(sol.x[1]).toBeCloseTo(1, 6);
  }, 20_000);
});

describe('item 8: one bad sample does not poison a batch', () => {
  it('deqLayer / monDeqLayer with a NaN row: a ValueError naming row 1', () => {
    expectTyped(thrown(() => deqLayer({ units: 4 }).apply(tf.tensor2d([[1, 1, 1], [NaN, 0, 0]]))), ValueError, /row 1/);
    expectTyped(thrown(() => monDeqLayer({ units: 4 }).apply(tf.tensor2d([[1, 1, 1], [NaN, 0, 0]]))), ValueError, /row 1/);
  });

  // z* = z/2 + log(x) has z* = 2 log x; a row with x < 0 goes NaN from finite input (a numerical failure).
  const logCell: DeqFunctionCell = { weights: [], apply: (z, x) => tf.add(tf.mul(z, 0.5), tf.log(x)) as tf.Tensor2D };

  it("DEQ: a sample failing numerically throws a SolverError naming it by default; under 'zero-gradient' the clean rows are exact", () => {
    const x = tf.tensor2d([[2, 3, 0.5], [-1, 1, 1], [1, 4, 8]]);
    const err = thrown(() => deqLayer({ units: 3, cell: logCell }).apply(x));
    expectTyped(err, SolverError);
    expect((err as SolverError).batchIndex).toBe(1);
    const layer = deqLayer({ units: 3, cell: logCell, onSolverFailure: 'zero-gradient', forward: { absTol: 1e-6, relTol: 1e-6 } });
    const out = tf.tidy(() => (layer.apply(x) as tf.Tensor2D).arraySync());
    [0, 2].forEach((r) => out[r]!.forEach((v, j) => expect(v).toBeCloseTo(2 * Math.log(x.arraySync()[r]![j]!), 4)));
    expect(out[1]).toEqual([0, 0, 0]);
    expect(layer.lastStats!.statuses).toEqual(['optimal', 'nonfinite', 'optimal']);
    x.dispose();
  });

  it('monDEQ: a sample whose splitting overflows (finite input) gets the policy; the clean rows equal their solo solve', () => {
    const weights = tf.tidy(() => ({
      U: tf.fill([3, 4], 10) as tf.Tensor2D,
      b: tf.zeros([4]) as tf.Tensor1D,
      A: tf.mul(tf.eye(4), 0.3) as tf.Tensor2D,
      B: tf.zeros([4, 4]) as tf.Tensor2D,
    }));
    const clean = [[0.1, -0.2, 0.3], [0.5, 0.5, -1]];
    const x = tf.tensor2d([clean[0]!, [3e38, 3e38, 3e38], clean[1]!]);
    const err = thrown(() => monDeq(x, weights, 0.5));
    expectTyped(err, SolverError);
    expect((err as SolverError).batchIndex).toBe(1);
    let statuses: readonly string[] = [];
    const both = tf.tidy(() => {
      const r = monDeq(x, weights, 0.5, { onSolverFailure: 'zero-gradient' });
      statuses = r.stats.statuses;
      return r.z.arraySync();
    });
    expect(statuses[1]).toBe('nonfinite');
    expect(statuses[0]).not.toBe('nonfinite');
    expect(statuses[2]).not.toBe('nonfinite');
    const solo = tf.tidy(() => monDeq(tf.tensor2d(clean), weights, 0.5).z.arraySync());
    expect(both[0]).toEqual(solo[0]);
    expect(both[2]).toEqual(solo[1]);
    expect(both[1]).toEqual([0, 0, 0, 0]);
    tf.dispose([x, weights.U, weights.b, weights.A, weights.B]);
  });

  it('monDEQ backward: a non-finite adjoint for one sample gets the policy, the others keep their gradient', () => {
    const layer = monDeqLayer({ units: 4, onSolverFailure: 'zero-gradient' });
    const x = tf.tensor2d([[0.3, -0.1, 0.2], [0.5, 0.5, -1]]);
    // d/dx of sum(c * z) with c's row 1 NaN: row 1's adjoint is non-finite.
    const c = tf.tensor2d([[1, 2, 3, 4], [NaN, 1, 1, 1]]);
    const g = tf.tidy(() => tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(layer.apply(xx) as tf.Tensor, c)))(x).arraySync() as number[][]);
    const solo = tf.tidy(() => tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(layer.apply(xx) as tf.Tensor, c.slice([0, 0], [1, 4]))))(x.slice([0, 0], [1, 3])).arraySync() as number[][]);
    expect(g[1]!.every((v) => v === 0)).toBe(true);
    g[0]!.forEach((v, j) => expect(v).toBeCloseTo(solo[0]![j]!, 5));
    const strict = monDeqLayer({ units: 4 });
    tf.tidy(() => void strict.apply(x));
    strict.setWeights(layer.getWeights());
    expectTyped(thrown(() => tf.tidy(() => tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(strict.apply(xx) as tf.Tensor, c)))(x))), SolverError);
    tf.dispose([x, c]);
  });
});

describe('item 9: saved models restore', () => {
  it("ConvexProgramLayer with parameters 'A', 'W', 'lower_bound' on problem 'boxQP' round-trips and is right (x = max(W, -0.25))", async () => {
    const model = tf.sequential();
    model.add(
      convexProgramLayer({
        problem: 'boxQP',
        inputShape: [2],
        inputParameters: ['W'],
        weightParameters: { A: { className: 'Identity', config: {} }, lower_bound: { className: 'Constant', config: { value: -0.25 } } },
        outputVariables: ['xOut'],
      }),
    );
    const W = tf.tensor2d([[1, -1], [0.5, 2]]);
    const before = predict(model, W);
    const loaded = await roundTrip(model);
    expect(predict(loaded, W)).toEqual(before);
    [[1, -0.25], [0.5, 2]].forEach((row, i) => row.forEach((v, j) => expect(before[i]![j]).toBeCloseTo(v, 4)));
    W.dispose();
  });

  it('StableDynamics with its default nominal net round-trips', async () => {
    const model = tf.sequential();
    model.add(stableDynamics({ lyapunovArgs: { hiddenUnits: [4] }, inputShape: [2], seed: 5 }));
    const x = tf.tensor2d([[0.5, -1], [0.1, 0.2]]);
    const before = predict(model, x);
    expect(predict(await roundTrip(model), x)).toEqual(before);
    x.dispose();
  });
});

describe('item 10: former untyped crashes are typed errors', () => {
  it("optNetLayer({nVariables: 2, inputs: ['Q', 'p']}).apply(oneTensor) is a ShapeError", () => {
    expectTyped(thrown(() => optNetLayer({ nVariables: 2, inputs: ['Q', 'p'] }).apply(tf.ones([1, 2]))), ShapeError);
  });

  it('solveOsqpForm with m = 0 solves the unconstrained QP: x = -P^-1 q = [1, -1]', () => {
    const result = solveOsqpForm({
      batch: 1, n: 2, m: 0,
      P: { data: Float64Array.from([2, 0, 0, 4]), batched: false },
      q: { data: Float64Array.from([-2, 4]), batched: false },
      A: { data: new Float64Array(0), batched: false },
      l: { data: new Float64Array(0), batched: false },
      u: { data: new Float64Array(0), batched: false },
    });
    expect(result.status[0]).toBe('optimal');
    expect(result.x[0]).toBeCloseTo(1, 8);
    expect(result.x[1]).toBeCloseTo(-1, 8);
  });

  it('solveOsqpForm with a malformed batch (A missing where m = 1) is a typed error', () => {
    const err = thrown(() =>
      solveOsqpForm({ batch: 1, n: 1, m: 1, P: { data: Float64Array.of(1), batched: false }, q: { data: Float64Array.of(0), batched: false } } as never),
    );
    expectTyped(err, OptlayersError);
  });

  it('DEQLayer given a new input width after build is a ShapeError', () => {
    const layer = deqLayer({ units: 2 });
    tf.tidy(() => void layer.apply(tf.ones([1, 3])));
    expectTyped(thrown(() => layer.apply(tf.ones([1, 4]))), ShapeError, /width/);
  });
});

describe('item 11: resource limits and unknown keys from configuration', () => {
  const convex = () =>
    convexProgramLayer({ problem: 'boxQP', inputShape: [2], inputParameters: ['W'], weightParameters: { A: { className: 'Identity', config: {} }, lower_bound: { className: 'Zeros', config: {} } }, outputVariables: ['xOut'] });
  async function loadWith(layer: tf.layers.Layer, mutate: (config: Record<string, unknown>) => void): Promise<unknown> {
    const model = tf.sequential();
    model.add(layer);
    try {
      await roundTrip(model, mutate);
    } catch (err) {
      return err;
    }
    return undefined;
  }
  const solverOptions = (c: Record<string, unknown>) => ((c['solver_options'] ??= {}) as Record<string, unknown>);

  it(`a saved config asking for qp threads: ${Math.max(12, availableQpThreads() + 1)} (> the cores) is rejected`, async () => {
    expectTyped(await loadWith(convex(), (c) => (solverOptions(c)['qp'] = { threads: Math.max(12, availableQpThreads() + 1) })), ValueError, /threads/);
  });

  it('OptNetLayer has no threads key: a saved threads: 12 is rejected as unknown', async () => {
    expectTyped(await loadWith(optNetLayer({ nVariables: 2, inputShape: [2] }), (c) => (c['threads'] = 12)), ValueError, /threads/);
  });

  it('an unknown QP option key in a saved config is rejected', async () => {
    expectTyped(await loadWith(convex(), (c) => (solverOptions(c)['qp'] = { spin_forever: true })), ValueError, /spinForever/);
  });

  it('max_iters: 1e12 is rejected (ConvexProgramLayer, OptNetLayer)', async () => {
    expectTyped(await loadWith(convex(), (c) => (solverOptions(c)['max_iters'] = 1e12)), ValueError, /maxIters/);
    expectTyped(await loadWith(optNetLayer({ nVariables: 2, inputShape: [2] }), (c) => (c['max_iters'] = 1e12)), ValueError, /maxIters/);
  });

  it('DEQ max_iters 1e9 with zero tolerances is rejected', async () => {
    expectTyped(await loadWith(deqLayer({ units: 2, inputShape: [2] }), (c) => (c['forward'] = { max_iters: 1e9, abs_tol: 0, rel_tol: 0 })), ValueError, /maxIters|tolerance/);
    expectTyped(await loadWith(monDeqLayer({ units: 2, inputShape: [2] }), (c) => (c['forward'] = { max_iters: 1e9, abs_tol: 0, rel_tol: 0 })), ValueError, /maxIters|tolerance/);
  });

  it('an unknown SCS option key is rejected everywhere (solveScs, ConvexLayer, a saved config)', async () => {
    const program: ConeProgram = { A: cscFromDense(1, 1, [-1]), b: Float64Array.from([-1]), c: Float64Array.from([1]), cones: { ...NO_CONES, nonneg: 1 } };
    expectTyped(thrown(() => solveScs(program, { spinForever: true } as never)), ValueError, /spinForever/);
    const x = variable(1, 'x');
    const a = parameter(1, { name: 'a' });
    const problem = new Problem(minimize(norm2(x.sub(a))));
    expectTyped(
      thrown(() => tf.tidy(() => new ConvexLayer(problem, { parameters: [a], variables: [x], scs: { spinForever: true } as never }).apply([tf.tensor1d([1])]))),
      ValueError,
      /spinForever/,
    );
    expectTyped(await loadWith(convex(), (c) => (solverOptions(c)['scs'] = { spin_forever: true })), ValueError, /spinForever/);
  });
});
