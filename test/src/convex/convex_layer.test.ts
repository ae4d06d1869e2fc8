import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Problem, logSumExp, minimize, multiply, parameter, sum, sumSquares, variable } from '../../../dsl/index.js';
import { DppError, SolverError, ShapeError, UnsupportedError, ValueError } from '../../../solvers/errors.js';
import { init } from '../../../src/init.js';
import { ConvexLayer, ConvexSolutionMap } from '../../../src/convex/index.js';
import { CASES } from './convex_fixtures.js';

beforeAll(async () => {
  await init();
});

/** Project a onto the box [lo, hi]: minimize |x - a|^2 s.t. lo <= x <= hi (infeasible when lo > hi). */
function boxProjection() {
  const x = variable(3, { name: 'x' });
  const a = parameter(3, { name: 'a' });
  const lo = parameter(3, { name: 'lo' });
  const hi = parameter(3, { name: 'hi' });
  const problem = new Problem(minimize(sumSquares(x.sub(a))), [x.ge(lo), x.le(hi)]);
  return { x, a, lo, hi, problem };
}

describe('ConvexLayer (tensors)', () => {
  it('float32 tf.grads agrees with the float64 backward pass (verified against finite differences in convex_gradients.test.ts)', () => {
    for (const key of ['qp', 'logSumExp', 'l2']) {
      const c = CASES[key]!(5, 2);
      const layer = new ConvexLayer(c.problem, { parameters: c.parameters, variables: c.variables });
      const inputs = c.values.map((v, i) => {
        const shape = v.batched ? [2, ...c.parameters[i]!.shape] : [...c.parameters[i]!.shape];
        return tf.tensor(Float32Array.from(v.data), shape);
      });
      const f = (...xs: tf.Tensor[]) => tf.tidy(() => tf.addN(layer.apply(xs).map((o) => tf.sum(tf.mul(o, o)))) as tf.Scalar);
      const grads = tf.grads(f)(inputs);
      const map = layer.solutionMap;
      const { batch, thetas } = map.packThetas(c.values.map((v) => ({ data: Float64Array.from(Float32Array.from(v.data)), batched: v.batched })));
      const solved = map.solve(thetas, batch);
      const ref = map.unpackGradient(solved.backward(solved.variables.map((v) => v.map((x) => 2 * x))), batch, c.values.map((v) => v.batched));
      grads.forEach((g, i) => {
        const got = g.dataSync();
        const scale = Math.max(1, ...ref[i]!.map(Math.abs));
        ref[i]!.forEach((r, k) => expect(Math.abs(got[k]! - r) / scale).toBeLessThan(1e-3));
      });
      tf.dispose([...inputs, ...grads]);
    }
  });

  it('a batched call equals a loop of single calls, and a broadcast gradient is the sum', () => {
    const { x, a, lo, hi, problem } = boxProjection();
    for (const solver of ['qp', 'scs'] as const) {
      const layer = new ConvexLayer(problem, { parameters: [a, lo, hi], variables: [x], solver });
      const A = tf.tensor2d([[0.3, -2, 1.5], [2, 0.1, -0.4], [-1.2, 0.7, 0.9], [0.5, 0.5, 3]]);
      const LO = tf.tensor1d([-1, -1, -1]);
      const HI = tf.tensor2d([[1, 1, 1], [0.5, 2, 1], [1, 0.2, 0.4], [2, 2, 2]]);
      const [batched] = layer.apply([A, LO, HI]);
      expect(batched!.shape).toEqual([4, 3]);
      const rows = batched!.arraySync() as number[][];
      const dLo = tf.grad((lo: tf.Tensor) => tf.sum(tf.mul(layer.apply([A, lo, HI])[0]!, tf.tensor1d([1, 2, 3]))))(LO);
      let sum = [0, 0, 0];
      for (let e = 0; e < 4; e++) {
        const Ae = A.slice([e, 0], [1, 3]).reshape([3]);
        const He = HI.slice([e, 0], [1, 3]).reshape([3]);
        const [single] = layer.apply([Ae, LO, He]);
        expect(single!.shape).toEqual([3]);
        (single!.arraySync() as number[]).forEach((v, k) => expect(v).toBeCloseTo(rows[e]![k]!, 4));
        const g = tf.grad((lo: tf.Tensor) => tf.sum(tf.mul(layer.apply([Ae, lo, He])[0]!, tf.tensor1d([1, 2, 3]))))(LO);
        sum = sum.map((s, k) => s + g.dataSync()[k]!);
        tf.dispose([Ae, He, single!, g]);
      }
      Array.from(dLo.dataSync()).forEach((v, k) => expect(v).toBeCloseTo(sum[k]!, 4));
      tf.dispose([A, LO, HI, batched!, dLo]);
    }
  });

  it('rejects non-DPP problems and a wrong parameter list with typed errors', () => {
    const x = variable(2, { name: 'x' });
    const p = parameter(2, { name: 'p' });
    const q = parameter(2, { name: 'q' });
    const nonDpp = new Problem(minimize(sum(multiply(multiply(p, q), x)).add(sumSquares(x))));
    expect(() => new ConvexLayer(nonDpp, { parameters: [p, q], variables: [x] })).toThrow(DppError);
    const ok = new Problem(minimize(sumSquares(x.sub(p))));
    expect(() => new ConvexLayer(ok, { parameters: [], variables: [x] })).toThrow(/'p'.*missing/);
    expect(() => new ConvexLayer(ok, { parameters: [p, q], variables: [x] })).toThrow(ValueError);
    expect(() => new ConvexLayer(ok, { parameters: [p, q], variables: [x] })).toThrow(/'q'/);
    const layer = new ConvexLayer(ok, { parameters: [p], variables: [x] });
    expect(() => layer.apply([tf.tensor1d([1, 2, 3])])).toThrow(ShapeError);
    expect(() => layer.apply([tf.tensor1d([1, NaN])])).toThrow(/non-finite/);
  });

  for (const solver of ['qp', 'scs'] as const) {
    it(`failure policy on an infeasible batch element (${solver} route)`, () => {
      const { x, a, lo, hi, problem } = boxProjection();
      const A = tf.tensor2d([[0.3, -2, 1.5], [2, 0.1, -0.4], [-1.2, 0.7, 0.9]]);
      const LO = tf.tensor2d([[-1, -1, -1], [3, 0, 0], [-1, -1, -1]]);
      const HI = tf.tensor1d([1, 1, 1]);
      const thrower = new ConvexLayer(problem, { parameters: [a, lo, hi], variables: [x], solver, maxIters: 2000 });
      try {
        thrower.apply([A, LO, HI]);
        expect.unreachable('an infeasible element must throw');
      } catch (err) {
        expect(err).toBeInstanceOf(SolverError);
        expect((err as SolverError).batchIndex).toBe(1);
        expect((err as SolverError).status).toMatch(/infeasible/);
        expect((err as Error).message).toMatch(/batch element 1/);
      }
      for (const policy of ['zero-gradient', 'best-effort'] as const) {
        const layer = new ConvexLayer(problem, { parameters: [a, lo, hi], variables: [x], solver, maxIters: 2000, onSolverFailure: policy });
        const f = (av: tf.Tensor) => tf.sum(layer.apply([av, LO, HI])[0]!);
        const { value, grad } = tf.valueAndGrad(f)(A);
        expect(Number.isFinite(value.dataSync()[0])).toBe(true);
        const g = grad.arraySync() as number[][];
        expect(g.flat().every(Number.isFinite)).toBe(true);
        expect(g[1]).toEqual([0, 0, 0]);
        expect(g[0]!.some((v) => v !== 0)).toBe(true);
        expect(layer.lastStats!.failed).toEqual([1]);
        expect(layer.lastStats!.statuses[1]).toMatch(/infeasible/);
        tf.dispose([value, grad]);
      }
      tf.dispose([A, LO, HI]);
    });
  }

  it('returns the same duals on both routes; dual gradients need the SCS route', () => {
    const x = variable(3, { name: 'x' });
    const a = parameter(3, { name: 'a' });
    const cap = x.le(1);
    const problem = new Problem(minimize(sumSquares(x.sub(a))), [cap]);
    const A = tf.tensor2d([[2, 0.5, 3], [-1, 1.5, 0]]);
    const viaAuto = new ConvexLayer(problem, { parameters: [a], variables: [x], duals: [cap] });
    const viaQp = new ConvexLayer(problem, { parameters: [a], variables: [x], duals: [cap], solver: 'qp' });
    expect(viaAuto.route).toBe('scs');
    expect(viaQp.route).toBe('qp');
    const [xs, ys] = viaAuto.apply([A]);
    const [xq, yq] = viaQp.apply([A]);
    // KKT: the dual of x <= 1 is 2 (a - 1)_+.
    const expected = [[2, 0, 4], [0, 1, 0]];
    (ys!.arraySync() as number[][]).forEach((row, e) => row.forEach((v, k) => expect(v).toBeCloseTo(expected[e]![k]!, 4)));
    (yq!.arraySync() as number[][]).forEach((row, e) => row.forEach((v, k) => expect(v).toBeCloseTo(expected[e]![k]!, 6)));
    (xq!.arraySync() as number[][]).forEach((row, e) => row.forEach((v, k) => expect(v).toBeCloseTo((xs!.arraySync() as number[][])[e]![k]!, 4)));
    const g = tf.grad((av: tf.Tensor) => tf.sum(viaAuto.apply([av])[1]!))(A);
    (g.arraySync() as number[][]).forEach((row, e) => row.forEach((v, k) => expect(v).toBeCloseTo(expected[e]![k]! > 0 ? 2 : 0, 3)));
    expect(() => tf.grad((av: tf.Tensor) => tf.sum(viaQp.apply([av])[1]!))(A)).toThrow(UnsupportedError);
    tf.dispose([A, xs!, ys!, xq!, yq!, g]);
  });

  it('warm starts SCS per batch slot and reports per-call statistics', async () => {
    const x = variable(4, { name: 'x' });
    const a = parameter(4, { name: 'a' });
    const problem = new Problem(minimize(logSumExp(x).add(sumSquares(x.sub(a)))));
    const spec = { parameters: [a], variables: [x] };
    const cold = new ConvexSolutionMap(problem, spec, { warmStart: false, tol: 1e-9 });
    const warm = new ConvexSolutionMap(problem, spec, { warmStart: true, tol: 1e-9 });
    const values = [{ data: Float64Array.of(0.5, -1, 2, 0.3, 1, 1, -2, 0), batched: true }];
    const nudged = [{ data: values[0]!.data.map((v) => v + 1e-4), batched: true }];
    const run = (m: ConvexSolutionMap, v: typeof values) => m.solve(m.packThetas(v).thetas, 2);
    run(warm, values);
    const first = run(cold, nudged);
    const second = run(warm, nudged);
    expect(second.stats.route).toBe('scs');
    expect(second.stats.statuses).toEqual(['optimal', 'optimal']);
    expect(second.stats.solveSeconds).toBeGreaterThan(0);
    for (let e = 0; e < 2; e++) expect(second.stats.iterations[e]!).toBeLessThan(first.stats.iterations[e]!);
    second.variables[0]!.forEach((v, i) => expect(v).toBeCloseTo(first.variables[0]![i]!, 6));
  });

  it("an iteration-limited SCS solve: 'best-effort' differentiates the point returned, 'zero-gradient' drops it", () => {
    const x = variable(4, { name: 'x' });
    const a = parameter(4, { name: 'a' });
    const problem = new Problem(minimize(logSumExp(x).add(sumSquares(x.sub(a)))));
    const A = tf.tensor1d([0.5, -1, 2, 0.3]);
    const base = { parameters: [a], variables: [x], maxIters: 3, tol: 1e-12 } as const;
    expect(() => new ConvexLayer(problem, base).apply([A])).toThrow(/max_iters/);
    for (const policy of ['best-effort', 'zero-gradient'] as const) {
      const layer = new ConvexLayer(problem, { ...base, onSolverFailure: policy });
      const { value, grad } = tf.valueAndGrad((av: tf.Tensor) => tf.sum(layer.apply([av])[0]!))(A);
      expect(layer.lastStats!.statuses[0]).toBe('max_iters');
      expect(Number.isFinite(value.dataSync()[0])).toBe(true);
      const g = Array.from(grad.dataSync());
      expect(g.every(Number.isFinite)).toBe(true);
      if (policy === 'zero-gradient') expect(g).toEqual([0, 0, 0, 0]);
      else expect(g.some((v) => v !== 0)).toBe(true);
      tf.dispose([value, grad]);
    }
    A.dispose();
  });

  it('trains with tf.variableGrads and an optimizer without leaking tensors', () => {
    const { x, a, lo, hi, problem } = boxProjection();
    const layer = new ConvexLayer(problem, { parameters: [a, lo, hi], variables: [x] });
    const target = tf.tensor2d([[0.2, -0.5, 0.9], [0.1, 0.3, -0.2]]);
    const LO = tf.tensor1d([-1, -1, -1]);
    const HI = tf.tensor1d([1, 1, 1]);
    const w = tf.variable(tf.tensor2d([[0.5, 0.1, 0], [0, 0.4, 0.3], [0.2, 0, 0.6]]));
    const inputs = tf.tensor2d([[1, 0, 2], [0, 1, -1]]);
    const opt = tf.train.adam(0.05);
    const step = () => opt.minimize(() => tf.losses.meanSquaredError(target, layer.apply([tf.matMul(inputs, w), LO, HI])[0]!) as tf.Scalar, true)!;
    const first = step();
    const l0 = first.dataSync()[0]!;
    first.dispose();
    step().dispose();
    const before = tf.memory().numTensors;
    let last = 0;
    for (let i = 0; i < 100; i++) {
      const l = step();
      last = l.dataSync()[0]!;
      l.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(last).toBeLessThan(0.5 * l0);
    tf.dispose([target, LO, HI, w, inputs]);
    opt.dispose();
  });
});
