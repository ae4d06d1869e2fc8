import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/backend.js';
import { SolverError, ValueError } from '../../../solvers/errors.js';
import { andersonWeights, deq, solveFixedPoint, type FixedPointSolverName } from '../../../src/deq/index.js';
import { normals, rng, tanhCell } from './contractive_cell.js';

beforeAll(async () => {
  await selectBackend();
});

const SOLVERS: FixedPointSolverName[] = ['fixed_point', 'anderson', 'broyden'];

describe('Anderson weights', () => {
  it('solve the constrained least squares exactly, including a singular Gram matrix', () => {
    // G1 = (1, 0), G2 = (-1, 0): H = [[1, -1], [-1, 1]] is singular, the bordered system is not; alpha = (1/2, 1/2).
    const w = andersonWeights([1, -1, -1, 1], 1, 2, 0);
    expect(w[0]).toBeCloseTo(0.5, 6);
    expect(w[1]).toBeCloseTo(0.5, 6);
    // G1 = (2, 0), G2 = (0, 1): minimize 4a^2 + b^2 with a + b = 1 -> a = 1/5, b = 4/5.
    const v = andersonWeights([4, 0, 0, 1], 1, 2, 0);
    expect(v[0]).toBeCloseTo(0.2, 6);
    expect(v[1]).toBeCloseTo(0.8, 6);
  });

  it('fall back to a plain step on an all-zero or non-finite history', () => {
    expect(Array.from(andersonWeights([0, 0, 0, 0], 1, 2, 1e-4))).toEqual([0, 1]);
    expect(Array.from(andersonWeights([NaN, 0, 0, 1], 1, 2, 1e-4))).toEqual([0, 1]);
  });
});

describe('fixed-point solvers', () => {
  it('reach the same fixed point; Anderson and Broyden need fewer iterations than plain iteration', () => {
    const units = 32;
    const cell = tanhCell(units, 8, 0.95, 21);
    const x = tf.tensor2d(normals(4 * 8, rng(2)), [4, 8]);
    const g = (z: tf.Tensor2D) => cell.fn(z, x);
    const z0 = tf.zeros([4, units]) as tf.Tensor2D;
    const results = SOLVERS.map((solver) => solveFixedPoint(g, z0, { solver, maxIters: 500, absTol: 0, relTol: 1e-6, memory: 6 }));
    for (const r of results) {
      expect(r.stats.converged).toBe(true);
      expect(r.stats.status).toBe('optimal');
      expect(Math.max(...r.stats.relativeResidual)).toBeLessThanOrEqual(1e-6);
    }
    const [fp, aa, br] = results;
    const diff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
    expect(diff(fp!.z, aa!.z)).toBeLessThan(1e-4);
    expect(diff(fp!.z, br!.z)).toBeLessThan(1e-4);
    expect(aa!.stats.iterations).toBeLessThan(fp!.stats.iterations);
    expect(br!.stats.iterations).toBeLessThan(fp!.stats.iterations);
    expect(fp!.stats.solver).toBe('fixed_point');
    tf.dispose([x, z0, ...results.map((r) => r.z)]);
    cell.dispose();
  });

  it.each(SOLVERS)('%s reports non-convergence and keeps the lowest-residual iterate', (solver) => {
    // g(z) = 2 z + 1 is expanding (the fixed point -1 repels plain iteration); a rotation by 90 degrees has no attracting point either.
    const z0 = tf.tensor2d([[0.5, 0.25], [3, -1]]);
    const rotation = tf.tensor2d([[0, 1], [-1, 0]]);
    const g = (z: tf.Tensor2D) => tf.add(tf.matMul(z, rotation), tf.scalar(0.1)) as tf.Tensor2D;
    const expand = (z: tf.Tensor2D) => tf.add(tf.mul(z, 2), 1) as tf.Tensor2D;
    for (const map of solver === 'fixed_point' ? [g, expand] : [g]) {
      const r = solveFixedPoint(map, z0, { solver, maxIters: 8, absTol: 1e-9, relTol: 1e-9, memory: 1 });
      if (r.stats.converged) {
        // Anderson / Broyden may legitimately solve a linear map; then it must really be a fixed point.
        const res = tf.tidy(() => tf.max(tf.abs(tf.sub(map(r.z), r.z))).dataSync()[0]!);
        expect(res).toBeLessThan(1e-4);
      } else {
        expect(r.stats.status).toBe('max_iters');
        expect(r.stats.convergedAt.some((k) => k < 0)).toBe(true);
        const actual = tf.tidy(() => tf.norm(tf.sub(map(r.z), r.z), 'euclidean', 1).dataSync());
        for (let i = 0; i < 2; i++) expect(actual[i]).toBeCloseTo(r.stats.residual[i]!, 4);
        expect(() => solveFixedPoint(map, z0, { solver, maxIters: 8, absTol: 1e-9, relTol: 1e-9, memory: 1, throwOnFailure: true })).toThrow(SolverError);
      }
      r.z.dispose();
    }
    const nan = solveFixedPoint((z) => tf.mul(z, NaN) as tf.Tensor2D, z0, { solver, maxIters: 5 });
    expect(nan.stats.status).toBe('nonfinite');
    expect(nan.stats.converged).toBe(false);
    expect(Array.from(nan.z.dataSync()).every(Number.isFinite)).toBe(true); // the finite starting point, not garbage
    tf.dispose([z0, rotation, nan.z]);
  });

  it('plain iteration of an expanding map keeps the starting point as its best iterate', () => {
    const z0 = tf.tensor2d([[0.5]]);
    const r = solveFixedPoint((z) => tf.add(tf.mul(z, 2), 1) as tf.Tensor2D, z0, { solver: 'fixed_point', maxIters: 6, throwOnFailure: false });
    expect(r.stats.converged).toBe(false);
    expect(r.z.dataSync()[0]).toBeCloseTo(0.5, 6);
    expect(r.stats.residual[0]).toBeCloseTo(1.5, 5);
    tf.dispose([z0, r.z]);
  });

  it('rejects bad options with a ValueError naming the field', () => {
    const z0 = tf.zeros([1, 1]) as tf.Tensor2D;
    expect(() => solveFixedPoint((z) => z, z0, { memory: 0 })).toThrow(/options.memory/);
    expect(() => solveFixedPoint((z) => z, z0, { damping: 1.5 })).toThrow(ValueError);
    z0.dispose();
  });
});

describe('DEQ memory', () => {
  it('tensors and bytes held after the forward solve do not grow with the iteration count', () => {
    const units = 16;
    const cell = tanhCell(units, 4, 0.99, 4);
    const x = tf.tensor2d(normals(8 * 4, rng(9)), [8, 4]);
    const held = (maxIters: number, solver: FixedPointSolverName) => {
      const before = tf.memory();
      let during = before;
      const grads = tf.variableGrads(() => {
        const out = deq(cell.fn, x, { variables: cell.variables, units, forward: { solver, maxIters, absTol: 0, relTol: 1e-30 } });
        expect(out.stats.iterations).toBe(maxIters);
        const loss = tf.sum(out.z) as tf.Scalar;
        during = tf.memory();
        return loss;
      }, cell.variables);
      tf.dispose([grads.value, ...Object.values(grads.grads)]);
      expect(tf.memory().numTensors).toBe(before.numTensors);
      return { tensors: during.numTensors - before.numTensors, bytes: during.numBytes - before.numBytes };
    };
    for (const solver of SOLVERS) {
      const few = held(4, solver);
      const many = held(40, solver);
      expect(many).toEqual(few);
    }
    x.dispose();
    cell.dispose();
  });
});
