import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ShapeError, SolverError, ValueError } from '../../../solvers/errors.js';
import { selectBackend } from '../../../src/backend.js';
import { qp } from '../../../src/qp/qp_function.js';
import type { QpSolveReport } from '../../../src/qp/qp_options.js';
import { finiteDifference, randomInstance, relativeError, seeded, stackInstances } from './qp_test_utils.js';

beforeAll(async () => {
  await selectBackend();
});

const NAMES = ['Q', 'p', 'G', 'h', 'A', 'b'] as const;

describe('qp() forward', () => {
  it('matches closed forms: projection onto a halfspace, an equality-only and an unconstrained QP', () => {
    // min 1/2|z|^2 - c'z s.t. 1'z <= 1: the projection of c onto the halfspace.
    const z = qp(tf.eye(3), tf.tensor2d([[-1, -1, -1], [-0.1, 0.2, -0.3]]), tf.ones([1, 3]), tf.tensor1d([1]));
    expect(z.shape).toEqual([2, 3]);
    const v = z.arraySync() as number[][];
    for (const x of v[0]!) expect(x).toBeCloseTo(1 / 3, 5);
    expect(v[1]).toEqual([expect.closeTo(0.1, 5), expect.closeTo(-0.2, 5), expect.closeTo(0.3, 5)]);
    // Equality only: min 1/2|z|^2 s.t. z1 + z2 = 2 -> (1, 1); G/h as null.
    const eq = qp(tf.eye(2), tf.zeros([2]), null, null, tf.tensor2d([[1, 1]]), tf.tensor1d([2]));
    expect(eq.shape).toEqual([2]);
    expect(Array.from(eq.dataSync())).toEqual([expect.closeTo(1, 5), expect.closeTo(1, 5)]);
    // Unconstrained with empty (zero-row) G/h and A/b: z = -Q^{-1} p.
    const free = qp(tf.tensor2d([[2, 0], [0, 4]]), tf.tensor1d([2, 4]), tf.zeros([0, 2]), tf.zeros([0]), tf.zeros([0, 2]), tf.zeros([0]));
    expect(Array.from(free.dataSync())).toEqual([expect.closeTo(-1, 5), expect.closeTo(-1, 5)]);
  });

  it('batched call equals a loop of single calls', () => {
    const rand = seeded(11);
    const [n, m, k] = [5, 6, 2];
    const list = Array.from({ length: 4 }, () => randomInstance(rand, n, m, k));
    const t = stackInstances(list, n, m, k);
    const batched = qp(t.Q, t.p, t.G, t.h, t.A, t.b).arraySync() as number[][];
    list.forEach((x, i) => {
      const single = qp(tf.tensor(x.Q, [n, n]), tf.tensor(x.p), tf.tensor(x.G, [m, n]), tf.tensor(x.h), tf.tensor(x.A, [k, n]), tf.tensor(x.b));
      expect(single.shape).toEqual([n]);
      expect(relativeError(batched[i]!, single.dataSync(), 1e-3)).toBeLessThan(1e-5);
    });
  });
});

describe('qp() gradients', () => {
  const [n, m, k, batch] = [4, 5, 2, 3];

  it('match central finite differences for all six arguments (batched)', () => {
    const rand = seeded(3);
    const list = Array.from({ length: batch }, () => randomInstance(rand, n, m, k));
    const t = stackInstances(list, n, m, k);
    const w = tf.tensor(Array.from({ length: batch * n }, () => 2 * rand() - 1), [batch, n]);
    const args = NAMES.map((name) => t[name]);
    const loss = (a: tf.Tensor[]) => tf.sum(tf.mul(qp(a[0]!, a[1]!, a[2], a[3], a[4], a[5]), w));
    const lossValue = (a: tf.Tensor[]): number => {
      const z = qp(a[0]!, a[1]!, a[2], a[3], a[4], a[5]);
      const zs = z.dataSync();
      const ws = w.dataSync();
      z.dispose();
      let s = 0;
      for (let i = 0; i < zs.length; i++) s += zs[i]! * ws[i]!;
      return s;
    };
    const grads = tf.grads((...a: tf.Tensor[]) => loss(a))(args);
    // The instance must mix active and inactive inequality constraints to exercise both gradient branches.
    const z = qp(t.Q, t.p, t.G, t.h, t.A, t.b);
    const slack = tf.sub(t.h, tf.squeeze(tf.matMul(t.G, tf.expandDims(z, -1)), [-1])).dataSync();
    expect(Array.from(slack).some((s) => s < 1e-4)).toBe(true);
    expect(Array.from(slack).some((s) => s > 1e-2)).toBe(true);
    NAMES.forEach((name, i) => {
      const fd = finiteDifference(lossValue, args, i, 1e-3);
      const g = grads[i]!;
      expect(g.shape, name).toEqual(args[i]!.shape);
      expect(relativeError(g.dataSync(), fd, 0.1), `gradient of ${name}`).toBeLessThan(1e-2);
    });
  });

  it('of a shared (broadcast) argument equals the sum of the batched gradients', () => {
    const rand = seeded(5);
    const one = randomInstance(rand, n, m, k);
    const list = Array.from({ length: batch }, () => randomInstance(rand, n, m, k, { Q: one.Q, G: one.G, A: one.A }));
    const t = stackInstances(list, n, m, k);
    const w = tf.tensor(Array.from({ length: batch * n }, () => 2 * rand() - 1), [batch, n]);
    const sharedQ = tf.tensor(one.Q, [n, n]);
    const sharedG = tf.tensor(one.G, [m, n]);
    const sharedA = tf.tensor(one.A, [k, n]);
    const f = (Q: tf.Tensor, G: tf.Tensor, A: tf.Tensor) => tf.sum(tf.mul(qp(Q, t.p, G, t.h, A, t.b), w));
    const [gQ, gG, gA] = tf.grads(f)([sharedQ, sharedG, sharedA]);
    const [bQ, bG, bA] = tf.grads(f)([t.Q, t.G, t.A]);
    expect(gQ!.shape).toEqual([n, n]);
    expect(relativeError(gQ!.dataSync(), tf.sum(bQ!, 0).dataSync(), 0.1)).toBeLessThan(1e-5);
    expect(relativeError(gG!.dataSync(), tf.sum(bG!, 0).dataSync(), 0.1)).toBeLessThan(1e-5);
    expect(relativeError(gA!.dataSync(), tf.sum(bA!, 0).dataSync(), 0.1)).toBeLessThan(1e-5);
  });

  it('leave tf.memory().numTensors flat over repeated training steps', () => {
    const rand = seeded(9);
    const list = Array.from({ length: batch }, () => randomInstance(rand, n, m, k));
    const t = stackInstances(list, n, m, k);
    const p = tf.variable(t.p);
    const opt = tf.train.adam(0.01);
    const step = () => opt.minimize(() => tf.sum(tf.square(qp(t.Q, p, t.G, t.h, t.A, t.b))), false);
    for (let i = 0; i < 3; i++) step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) step();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('qp() input checks and failure policy', () => {
  it('names the argument in shape and value errors', () => {
    const Q = tf.eye(3);
    const p = tf.zeros([3]);
    expect(() => qp(Q, tf.zeros([4]))).toThrow(/argument p must have 3 entries/);
    expect(() => qp(tf.zeros([3, 2]), p)).toThrow(ShapeError);
    expect(() => qp(Q, p, tf.zeros([2, 3]), tf.zeros([3]))).toThrow(/argument h must have one entry per row of G \(2\)/);
    expect(() => qp(Q, p, tf.zeros([2, 4]), tf.zeros([2]))).toThrow(/argument G must have 3 columns/);
    expect(() => qp(Q, tf.zeros([2, 3]), null, null, tf.zeros([4, 1, 3]), tf.zeros([4, 1]))).toThrow(/argument A has batch size 4 but p has batch size 2/);
    expect(() => qp(Q, tf.tensor1d([0, NaN, 0]))).toThrow(ValueError);
    expect(() => qp(Q, tf.tensor1d([0, NaN, 0]))).toThrow(/qp argument p has a non-finite entry/);
    expect(() => qp(Q, p, null, null, null, null, { onSolverFailure: 'ignore' as never })).toThrow(/onSolverFailure/);
  });

  // Example 1 is infeasible: z1 <= -1 and z1 >= 1.
  const G = tf.tensor3d([[[1, 0], [-1, 0]], [[1, 0], [-1, 0]], [[1, 0], [-1, 0]]]);
  const h = tf.tensor2d([[1, 1], [-1, -1], [2, 0.5]]);
  const p = tf.tensor2d([[-3, 1], [0, 0], [1, -1]]);
  const Q = tf.eye(2);
  const w = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);

  it("'throw' (default) raises a SolverError naming the batch index and status", () => {
    let caught: unknown;
    try {
      qp(Q, p, G, h);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(SolverError);
    expect((caught as SolverError).batchIndex).toBe(1);
    expect((caught as SolverError).status).toMatch(/infeasible/);
    expect((caught as SolverError).message).toMatch(/batch index 1/);
  });

  it("'zero-gradient' keeps the other examples exact and gives the failed one zero gradient", () => {
    const reports: QpSolveReport[] = [];
    const f = (pp: tf.Tensor, hh: tf.Tensor) => tf.sum(tf.mul(qp(Q, pp, G, hh, null, null, { onSolverFailure: 'zero-gradient', onSolve: (r) => reports.push(r) }), w));
    const [gp, gh] = tf.grads(f)([p, h]);
    expect(reports[0]!.failed).toEqual([1]);
    expect(reports[0]!.status[1]).toMatch(/infeasible/);
    const gpv = gp!.arraySync() as number[][];
    const ghv = gh!.arraySync() as number[][];
    expect(gpv[1]).toEqual([0, 0]);
    expect(ghv[1]).toEqual([0, 0]);
    const z = qp(Q, p, G, h, null, null, { onSolverFailure: 'zero-gradient' }).arraySync() as number[][];
    expect(z[1]).toEqual([0, 0]);
    // The healthy examples match solving them alone.
    for (const i of [0, 2]) {
      const pick = (t: tf.Tensor) => tf.gather(t, [i]);
      const [gpi, ghi] = tf.grads((pp: tf.Tensor, hh: tf.Tensor) => tf.sum(tf.mul(qp(Q, pp, pick(G), hh), pick(w))))([pick(p), pick(h)]);
      expect(relativeError(gpv[i]!, gpi!.dataSync(), 0.1)).toBeLessThan(1e-5);
      expect(relativeError(ghv[i]!, ghi!.dataSync(), 0.1)).toBeLessThan(1e-5);
      expect(relativeError(z[i]!, (qp(Q, pick(p), pick(G), pick(h)).arraySync() as number[][])[0]!, 0.1)).toBeLessThan(1e-5);
    }
  });

  it("'best-effort' returns the best iterate of the failed example, and finite gradients", () => {
    const f = (pp: tf.Tensor, hh: tf.Tensor) => tf.sum(tf.mul(qp(Q, pp, G, hh, null, null, { onSolverFailure: 'best-effort' }), w));
    const [gp, gh] = tf.grads(f)([p, h]);
    expect(Array.from(gp!.dataSync()).every(Number.isFinite)).toBe(true);
    expect(Array.from(gh!.dataSync()).every(Number.isFinite)).toBe(true);
    // Stopped after one iteration, a feasible example fails with a non-zero best iterate:
    // 'best-effort' returns it, 'zero-gradient' returns zeros.
    const pick = (t: tf.Tensor) => tf.gather(t, [0, 2]);
    const reports: QpSolveReport[] = [];
    const early = { maxIters: 1, onSolve: (r: QpSolveReport) => reports.push(r) };
    const best = qp(Q, pick(p), pick(G), pick(h), null, null, { ...early, onSolverFailure: 'best-effort' }).arraySync() as number[][];
    const zero = qp(Q, pick(p), pick(G), pick(h), null, null, { ...early, onSolverFailure: 'zero-gradient' }).arraySync() as number[][];
    expect(reports[0]!.failed).toEqual([0, 1]);
    expect(best.flat().every(Number.isFinite)).toBe(true);
    expect(best[0]).not.toEqual([0, 0]);
    expect(zero).toEqual([[0, 0], [0, 0]]);
  });

  it("reports every solve to onSolve, also before a 'throw'", () => {
    const reports: QpSolveReport[] = [];
    expect(() => qp(Q, p, G, h, null, null, { onSolve: (r) => reports.push(r) })).toThrow(SolverError);
    expect(reports).toHaveLength(1);
    expect(reports[0]!.failed).toEqual([1]);
    expect(reports[0]!.iterations.length).toBe(3);
  });
});
