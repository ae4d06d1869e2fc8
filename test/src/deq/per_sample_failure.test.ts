import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/backend.js';
import { ShapeError, SolverError, ValueError } from '../../../solvers/errors.js';
import { deqLayer, type DeqFunctionCell, type FixedPointSolverName } from '../../../src/deq/index.js';
import { monDeqLayer } from '../../../src/mondeq/index.js';

beforeAll(async () => {
  await selectBackend();
});

/**
 * f(z, x) = z / 2 + log(x): the fixed point is z* = 2 log x (closed form),
 * and a row with x <= 0 turns NaN from finite input (a diverging sample).
 */
const logCell: DeqFunctionCell = { weights: [], apply: (z, x) => tf.add(tf.mul(z, 0.5), tf.log(x)) as tf.Tensor2D };

const CLEAN = [2, 3, 0.5];
const BAD = [-1, 1, 1];

describe('DEQ: one bad sample does not poison the batch', () => {
  it('rejects NaN input as misuse, naming the row (default cell, the issue repro)', () => {
    const layer = deqLayer({ units: 4 });
    expect(() => layer.apply(tf.tensor2d([[1, 1, 1], [NaN, 0, 0]]))).toThrow(ValueError);
    expect(() => layer.apply(tf.tensor2d([[1, 1, 1], [NaN, 0, 0]]))).toThrow(/row 1/);
    const mon = monDeqLayer({ units: 4 });
    expect(() => mon.apply(tf.tensor2d([[1, 1, 1], [0, Infinity, 0]]))).toThrow(/row 1/);
  });

  it("throws a SolverError naming the diverged batch index by default ('throw')", () => {
    const layer = deqLayer({ units: 3, cell: logCell, forward: { solver: 'fixed_point', maxIters: 60 } });
    let caught: unknown;
    try {
      layer.apply(tf.tensor2d([CLEAN, BAD]));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SolverError);
    expect((caught as SolverError).batchIndex).toBe(1);
    expect((caught as SolverError).status).toBe('nonfinite');
  });

  for (const solver of ['fixed_point', 'anderson', 'broyden'] as FixedPointSolverName[]) {
    it(`${solver}: the clean row is exactly its solo solve and equals 2 log x; the bad row is zero with zero gradient`, () => {
      const before = tf.memory().numTensors;
      const forward = { solver, maxIters: 80, absTol: 1e-6, relTol: 1e-6 };
      const layer = deqLayer({ units: 3, cell: logCell, forward, onSolverFailure: 'zero-gradient' });
      const solo = deqLayer({ units: 3, cell: logCell, forward });
      const x = tf.tensor2d([CLEAN, BAD, CLEAN.map((v) => v * 2)]);
      const [out, dx] = tf.tidy(() => {
        const z = layer.apply(x) as tf.Tensor2D;
        const g = tf.grad((xx: tf.Tensor) => tf.sum(layer.apply(xx) as tf.Tensor))(x);
        return [z.arraySync() as number[][], g.arraySync() as number[][]];
      });
      const alone = tf.tidy(() => (solo.apply(tf.tensor2d([CLEAN])) as tf.Tensor2D).arraySync() as number[][]);
      expect(out[0]).toEqual(alone[0]);
      CLEAN.forEach((v, j) => expect(out[0]![j]).toBeCloseTo(2 * Math.log(v), 4));
      CLEAN.forEach((v, j) => expect(out[2]![j]).toBeCloseTo(2 * Math.log(2 * v), 4));
      expect(out[1]).toEqual([0, 0, 0]);
      // dz*/dx = 2 / x for the clean rows (implicit differentiation), 0 for the rejected one.
      CLEAN.forEach((v, j) => expect(dx[0]![j]).toBeCloseTo(2 / v, 3));
      expect(dx[1]!.map(Math.abs)).toEqual([0, 0, 0]);
      expect(layer.lastStats!.statuses).toEqual(['optimal', 'nonfinite', 'optimal']);
      expect(layer.lastStats!.policyApplied).toEqual(['none', 'zero-gradient', 'none']);
      x.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it("'best-effort' keeps the diverged row's best finite iterate and reports it", () => {
    const layer = deqLayer({ units: 3, cell: logCell, forward: { solver: 'anderson', maxIters: 40 }, onSolverFailure: 'best-effort' });
    const out = tf.tidy(() => (layer.apply(tf.tensor2d([CLEAN, BAD])) as tf.Tensor2D).arraySync() as number[][]);
    expect(out.flat().every(Number.isFinite)).toBe(true);
    expect(layer.lastStats!.policyApplied).toEqual(['none', 'best-effort']);
  });

  it('a monDEQ row solved in a batch is exactly its solo solve (per-sample stopping)', () => {
    const layer = monDeqLayer({ units: 4, forward: { maxIters: 400 } });
    const x = tf.tensor2d([[1, -2, 0.5], [30, 40, -50], [0.1, 0.1, 0.1]]);
    const both = tf.tidy(() => (layer.apply(x) as tf.Tensor2D).arraySync() as number[][]);
    const statuses = layer.lastStats!.statuses;
    const first = tf.tidy(() => (layer.apply(tf.tensor2d([[1, -2, 0.5]])) as tf.Tensor2D).arraySync() as number[][]);
    expect(both[0]).toEqual(first[0]);
    expect(statuses).toHaveLength(3);
    x.dispose();
  });

  it('a new input width after build is a ShapeError naming the layer, not a raw tfjs error', () => {
    const layer = deqLayer({ units: 2, name: 'deqWidth' });
    tf.tidy(() => {
      layer.apply(tf.ones([1, 3]));
    });
    expect(() => layer.apply(tf.ones([1, 4]))).toThrow(ShapeError);
    expect(() => layer.apply(tf.ones([1, 4]))).toThrow(/deqWidth.*width 3/);
    const mon = monDeqLayer({ units: 2 });
    tf.tidy(() => {
      mon.apply(tf.ones([1, 3]));
    });
    expect(() => mon.apply(tf.ones([1, 5]))).toThrow(ShapeError);
  });
});
